# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client actions returned by buttons: a success notification, a dialog."""


def success(message, close=False):
    """Client action showing ``message``; ``close``: close the dialog too."""
    return _notification("success", message, close)


def warning(message, close=False, next_action=None):
    """Client action showing ``message`` as a warning that stays until closed;
    ``next_action``: the action then executed (instead of closing with ``close``)."""
    return _notification("warning", message, close, sticky=True, next_action=next_action)


def _notification(kind, message, close=False, sticky=False, next_action=None):
    params = {"type": kind, "message": message, "sticky": sticky}
    if next_action:
        params["next"] = next_action
    elif close:
        params["next"] = {"type": "ir.actions.act_window_close"}
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}


def dialog(name, res_model, context=None, res_id=None):
    """Window action opening ``res_model`` (a dialog: a form in a new window) titled
    ``name``, on ``res_id`` or a new record with ``context``."""
    action = {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": res_model,
        "view_mode": "form",
        "target": "new",
        "context": context or {},
    }
    if res_id:
        action["res_id"] = res_id
    return action
