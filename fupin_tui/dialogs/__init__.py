"""Dialogs: plain questions (confirm), the form-dialog kit (kit), reasons (reason), lifecycle steps, operators."""
