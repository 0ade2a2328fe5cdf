"""Services of core: the single way to queue an e-mail."""

from typing import Any

from django.db import transaction
from django.utils import translation

from .tasks import send_mail_task


def mail_enqueue(
    *, to: str, template: str, context: dict[str, Any], language: str | None = None
) -> None:
    """Queue a templated e-mail once the current transaction commits.

    Side effect: enqueues `send_mail_task` on commit (nothing is sent if the transaction rolls
    back).
    """
    chosen = language or translation.get_language() or "de"
    transaction.on_commit(
        lambda: send_mail_task.enqueue(to=to, template=template, context=context, language=chosen)
    )
