# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The web client's success notification, returned by buttons."""


def success(message, close=False):
    """Client action showing ``message``; ``close``: close the dialog too."""
    params = {"type": "success", "message": message}
    if close:
        params["next"] = {"type": "ir.actions.act_window_close"}
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
