# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import OrderedDict

from lxml import html
from markupsafe import Markup

from odoo import models
from odoo.tools import safe_eval

# Compiled QWeb bodies, by source, language and options: a template's edit changes its
# source, hence its key. Bounded, like Odoo's own template cache.
COMPILED = OrderedDict()
COMPILED_MAX = 128


def _remembered(function):
    """``function``, a formatting helper of the render context (a pure function of
    its arguments in the context's language), remembering its results."""
    results = {}

    def remembered(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        try:
            return results[key]
        except KeyError:
            results[key] = function(*args, **kwargs)
            return results[key]
        except TypeError:  # unhashable arguments
            return function(*args, **kwargs)

    return remembered


class MailTemplate(models.Model):
    """Mail templates render their QWeb body once per record, compiling it again for
    each one (Odoo caches compiled templates loaded by view only). For dunning mails
    (context ``dunning_render_cache``) the compiled body is reused for every record,
    every batch and every run: the result is the same as Odoo's normal path (tested for
    every shipped template and language), for a fraction of the time. Within a batch,
    the same date or amount is formatted once."""

    _inherit = "mail.template"

    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        if (
            not self.env.context.get("dunning_render_cache")
            or not template_src
            or not res_ids
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        options = options or {}
        variables = self._render_eval_context()
        # A statement formats the same dates again and again.
        for name in ("format_date", "format_amount"):
            variables[name] = _remembered(variables[name])
        if add_context:
            variables.update(**add_context)
        qweb = self.env["ir.qweb"].with_context(**options)
        functions, name = self._dunning_compiled(qweb, template_src, options)
        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            try:
                # What ir.qweb._render does, the compilation apart.
                prepared = qweb._prepare_environment(values)
                safe_eval.check_values(values)
                rendered = "".join(functions[name](prepared, values))
            except Exception:  # noqa: BLE001 - Odoo's normal path tells what failed
                # Rendered again by Odoo's own path, which raises its own error.
                return super()._render_template_qweb(
                    template_src, model, res_ids, add_context=add_context, options=options
                )
            # The <div> wrapping several root nodes (as Odoo adds it) goes.
            results[record.id] = Markup(rendered)[5:-6]
        return results

    def _generate_template(self, res_ids, render_fields, find_or_create_partners=False):
        """For dunning mails, the bodies as rendered, before any layout, are kept (in
        the context's ``dunning_bodies``) for their chatter copy (see mail_mail.py)."""
        values = super()._generate_template(
            res_ids, render_fields, find_or_create_partners=find_or_create_partners
        )
        bodies = self.env.context.get("dunning_bodies")
        if bodies is not None and "body_html" in render_fields:
            for res_id, res_values in values.items():
                bodies[self.model, res_id] = res_values.get("body_html")
        return values

    def _dunning_compiled(self, qweb, template_src, options):
        """``(template functions, main function name)`` of ``template_src`` compiled by
        ``qweb`` (its language and options are part of the key)."""
        key = (
            template_src,
            qweb.env.context.get("lang"),
            tuple(sorted((k, repr(v)) for k, v in options.items())),
        )
        compiled = COMPILED.get(key)
        if compiled is None:
            element = html.fragment_fromstring(template_src, create_parent="div")
            compiled = qweb._prepare_environment({})._compile(element)
            COMPILED[key] = compiled
            while len(COMPILED) > COMPILED_MAX:
                COMPILED.popitem(last=False)
        else:
            COMPILED.move_to_end(key)
        return compiled
