"""Helpers of the Odoo layer that are not models: the web client's notification, the
wording of reasons and channels, the words of an explanation, the invoice lines of a
statement, and the records an engine action is about."""
