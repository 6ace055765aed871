# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mail that really arrives: the nightly job and Odoo's mail queue against a real SMTP
server on 127.0.0.1, through an outage (see smtp_probe.py, run in its own process
because Odoo's test runner never lets a mail server connect)."""

import email
import json
import os
import socket
import subprocess
import sys
from email import policy

from aiosmtpd.controller import Controller

from odoo.tests import TransactionCase, tagged
from odoo.tools import config


class Sink:
    """An SMTP server's handler keeping every message it accepts."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestDunningSmtp(TransactionCase):
    def test_reminders_reach_the_smtp_server_once_through_an_outage(self):
        sink = Sink()
        controller = Controller(sink, hostname="127.0.0.1", port=free_port())
        controller.start()
        self.addCleanup(controller.stop)
        probe = os.path.join(os.path.dirname(__file__), "smtp_probe.py")
        command = [
            sys.executable,
            probe,
            f"--db={self.env.cr.dbname}",
            f"--addons-path={config['addons_path']}",
            f"--live-port={controller.port}",
            f"--down-port={free_port()}",
        ]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config.get(option):
                command.append(f"--{option.replace('_', '-')}={config[option]}")
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        report = json.loads(result.stdout)

        # Queued by the job, held by the outage, put back in the queue, sent once.
        self.assertEqual(report["queued"], 2)
        self.assertEqual(report["queued_states"], ["outgoing", "outgoing"])
        self.assertEqual(report["after_outage"], ["exception", "exception"])
        self.assertEqual(report["after_retry"], ["outgoing", "outgoing"])
        self.assertEqual(report["after_delivery"], [], "sent, then deleted (auto_delete)")
        self.assertEqual(report["final"], [])
        self.assertEqual(len(sink.messages), 2, "one mail per customer, never twice")

        received = {}
        for mail_from, rcpt_tos, content in sink.messages:
            message = email.message_from_bytes(content, policy=policy.default)
            received[tuple(rcpt_tos)] = (mail_from, message)
        french = received[("marie@boulangerie.example.com",)][1]
        english = received[("ap@acme.example.com",)][1]
        for message in (french, english):
            self.assertIn("billing@probe.example.com", message["From"])
        self.assertIn("Marie Compta", french["To"])
        invoice_fr = report["invoices"]["Boulangerie Lumière"]
        invoice_en = report["invoices"]["Acme Ltd"]
        self.assertEqual(french["Subject"], f"Probe Company : relance pour la facture {invoice_fr}")
        self.assertEqual(english["Subject"], f"Probe Company: reminder for invoice {invoice_en}")
        french_body = french.get_body(("html",)).get_content()
        self.assertIn("Bonjour Marie Compta", french_body)
        self.assertIn("1\N{NO-BREAK SPACE}234,50", french_body)
        self.assertIn("Dear Acme Ltd", english.get_body(("html",)).get_content())
        # The step attaches the invoice's PDF.
        for message, invoice in ((french, invoice_fr), (english, invoice_en)):
            attachments = list(message.iter_attachments())
            self.assertEqual(len(attachments), 1)
            self.assertEqual(attachments[0].get_content_type(), "application/pdf")
            self.assertEqual(attachments[0].get_filename(), f"{invoice}.pdf")
            self.assertTrue(attachments[0].get_content().startswith(b"%PDF"))
