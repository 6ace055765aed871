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
    """An SMTP server's handler keeping every message it accepts. It greylists: each
    recipient is refused once ("451"), then accepted; ``refused@`` addresses never
    are ("550")."""

    def __init__(self):
        self.messages = []
        self.seen = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused@"):
            return "550 5.1.1 No such user"
        if address not in self.seen:
            self.seen.add(address)
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

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

        # Queued by the job, held by the outage, retried after five minutes, greylisted,
        # retried fifteen minutes later and accepted: sent once. One address is refused
        # for good: that reminder does not count, and a person is asked to act.
        self.assertEqual(report["queued"], 3)
        self.assertEqual(report["queued_states"], ["outgoing"] * 3)
        self.assertEqual(report["after_outage"], ["exception"] * 3)
        self.assertEqual(report["seen"], ["exception"] * 3, "a delay before the retry")
        self.assertEqual(report["after_retry"], ["outgoing"] * 3)
        self.assertEqual(report["greylisted"], ["exception"] * 3)
        # The 550 is final at once; the greylisted two wait for their delay.
        self.assertEqual(report["too_early"], ["cancel", "exception", "exception"])
        self.assertEqual(report["after_delivery"], ["cancel"], "sent (and deleted) but one")
        self.assertEqual(report["final"], ["cancel"])
        self.assertEqual(len(sink.messages), 2, "one mail per customer, never twice")
        self.assertEqual(
            report["refused"],
            {
                "actions": [["failed", "send_failed"], ["todo", "send_failed"]],
                "level": 0,
                "activities": 1,
            },
        )
        self.assertEqual(report["levels"], [0, 2, 2])

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
        self.assertIn("Madame, Monsieur,", french_body)
        self.assertIn("1\N{NO-BREAK SPACE}234,50", french_body)
        self.assertIn("Dear Sir or Madam,", english.get_body(("html",)).get_content())
        # The step attaches the invoice's PDF.
        for message, invoice in ((french, invoice_fr), (english, invoice_en)):
            attachments = list(message.iter_attachments())
            self.assertEqual(len(attachments), 1)
            self.assertEqual(attachments[0].get_content_type(), "application/pdf")
            self.assertEqual(attachments[0].get_filename(), f"{invoice}.pdf")
            self.assertTrue(attachments[0].get_content().startswith(b"%PDF"))
