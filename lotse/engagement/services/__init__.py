"""Writes of the engagement module, one module per area (opportunities, requests, matching,
proposals, patenschaften, hours, certificates). Services are keyword-only, validate fully,
run in one transaction, audit, and queue mails/notifications on commit."""
