# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Words for the engine's explanations (:mod:`..engine.explain`), in the user's language.

Only wording lives here: every date and rule comes from the engine.
"""

from markupsafe import Markup, escape

from odoo.tools.misc import format_date

from ..engine import reasons as r


def _date(env, day):
    return format_date(env, day) if day else ""


def _step_label(env, plan, index):
    step = plan.step_ids[index]
    channel = dict(step._fields["channel"]._description_selection(env)).get(step.channel)
    return env._("'%(step)s' (%(channel)s)", step=step.name, channel=channel)


def _base_line(env, why):
    """How the step's own date is obtained from its delay."""
    days, base, when = abs(why.delay), _date(env, why.base_date), _date(env, why.step_date)
    if why.reference == "previous_step":
        return env._(
            "Its delay: %(days)s days after the previous step (%(base)s), so %(date)s.",
            days=days,
            base=base,
            date=when,
        )
    if why.reference == "invoice_date":
        what = env._("the invoice date")
    else:
        what = env._("the due date")
    if why.delay < 0:
        return env._(
            "Its delay: %(days)s days before %(what)s (%(base)s), so %(date)s.",
            days=days,
            what=what,
            base=base,
            date=when,
        )
    return env._(
        "Its delay: %(days)s days after %(what)s (%(base)s), so %(date)s.",
        days=days,
        what=what,
        base=base,
        date=when,
    )


def _timing_lines(env, why, plan):
    """The rules that set the step's day: delay, spacing, day off, contextual start."""
    lines = []
    if why.contextual_start:
        lines.append(
            env._("Contextual logic: the invoice enters the plan at the step matching its age.")
        )
    if why.step_date:
        lines.append(_base_line(env, why))
    if why.rule == r.CONTACT_DELAY:
        lines.append(
            env._(
                "Not before %(date)s: the plan's minimum contact delay (%(days)s days) "
                "counts from the last reminder to the customer, on %(last)s.",
                date=_date(env, why.earliest),
                days=plan.min_contact_delay,
                last=_date(env, why.rule_from),
            )
        )
    elif why.rule == r.RECENT_REMINDER:
        lines.append(
            env._(
                "Not before %(date)s: the invoice was last reminded on %(last)s and the "
                "company waits %(days)s days between two reminders of an invoice.",
                date=_date(env, why.earliest),
                last=_date(env, why.rule_from),
                days=plan.company_id.dunning_reminder_interval,
            )
        )
    elif why.rule == r.ALREADY_TODAY:
        lines.append(env._("The customer was already reminded today."))
    if why.weekend:
        lines.append(
            env._(
                "Nothing is sent on days off (week-ends, public holidays): moved to the "
                "next working day."
            )
        )
    return lines


def _stop_line(env, decision):
    """The sentence of a person stopping the plan (a pause, a promise, a payment
    plan), or None."""
    if decision.reason == r.PAUSED:
        if decision.next_date:
            return env._("Paused until %(date)s.", date=_date(env, decision.next_date))
        return env._("Paused until resumed by hand.")
    if decision.reason == r.PROMISED:
        return env._(
            "Payment promised: the plan waits, and goes on from %(date)s if the "
            "promise is not kept.",
            date=_date(env, decision.next_date),
        )
    if decision.reason == r.PAYMENT_PLAN:
        if decision.next_date:
            return env._(
                "Payment plan agreed: the customer is only reminded of its installments. "
                "If an installment is missed, the plan breaks on %(date)s and dunning "
                "resumes.",
                date=_date(env, decision.next_date),
            )
        return env._("Payment plan agreed: the customer is only reminded of its installments.")
    return None


def explanation_lines(env, why, plan, reasons, detail=None):
    """Sentences explaining ``why`` (an :class:`..engine.explain.Explanation`) under
    ``plan`` (a plan record, possibly empty). ``reasons``: code -> label; ``detail``:
    what a hold refers to (payments, bank data date)."""
    decision = why.decision
    if not plan:
        return [reasons.get(decision.reason, decision.reason)]
    sequence = plan.step_ids.filtered(lambda step: not step.broken_promise)
    lines = [
        env._(
            "Plan %(plan)s: level %(level)s of %(steps)s.",
            plan=plan.name,
            level=decision.level,
            steps=len(sequence),
        )
    ]
    label = reasons.get(decision.reason, decision.reason)
    step = _step_label(env, plan, why.step_index) if why.step_index is not None else ""
    if decision.outcome == r.DONE:
        lines.append(env._("Every step of the plan was executed: nothing more is sent."))
        return lines
    if why.held == r.STANDBY:
        lines.append(
            env._(
                "Step %(step)s is due today, but the company is in stand-by: nothing is "
                "sent until dunning is enabled in the settings.",
                step=step,
            )
        )
        return lines
    if decision.outcome == r.SKIP:
        if decision.reason in (r.DISPUTED, r.PLAN_ARCHIVED):
            lines.append(f"{label}.")  # the label already says it is not reminded
        else:
            lines.append(env._("Not reminded: %(reason)s.", reason=label))
        if detail:
            lines.append(detail)
        return lines
    if why.held:
        # The safety checks' labels start with "Held:": in this sentence, their cause.
        causes = {
            r.STALE_BANK_DATA: env._("bank data too old (the customer may have paid)"),
            r.UNMATCHED_PAYMENTS: env._("the customer has payments or credits not matched yet"),
        }
        lines.append(
            env._(
                "Step %(step)s is due today but held: %(reason)s. It goes out on the "
                "first run after the cause is cleared.",
                step=step,
                reason=causes.get(decision.reason, label),
            )
        )
        if detail:
            lines.append(detail)
        return lines
    stop = _stop_line(env, decision)
    if stop:
        lines.append(stop)
    elif decision.reason == r.TODO_PENDING:
        lines.append(env._("Step %(step)s waits for a person: its to-do is still open.", step=step))
        return lines
    if decision.reason == r.BROKEN_PROMISE or (
        why.step_index is not None and plan.step_ids[why.step_index].broken_promise
    ):
        lines.append(
            env._(
                "A payment promise or payment plan was broken: step %(step)s runs once, "
                "without moving the level.",
                step=step,
            )
        )
    elif decision.acts:
        lines.append(env._("Today: step %(step)s.", step=step))
    elif why.step_index is not None:
        lines.append(
            env._(
                "Next: step %(step)s on %(date)s.",
                step=step,
                date=_date(env, decision.next_date),
            )
            if decision.next_date
            else env._("Next: step %(step)s.", step=step)
        )
    lines += _timing_lines(env, why, plan)
    if decision.acts and decision.next_date:
        lines.append(
            env._("The following step comes on %(date)s.", date=_date(env, decision.next_date))
        )
    return lines


def as_html(lines):
    """A bulleted list of ``lines`` (plain text, escaped)."""
    if not lines:
        return False
    items = Markup("").join(Markup("<li>%s</li>") % escape(line) for line in lines)
    return Markup('<ul class="mb-0">%s</ul>') % items
