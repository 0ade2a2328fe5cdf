"""Background tasks of core: sending mail."""

from typing import Any

from django.tasks import task

from .mail import send_templated_mail


@task(queue_name="mail")
def send_mail_task(*, to: str, template: str, context: dict[str, Any], language: str) -> None:
    """Send one templated e-mail. Safe to run twice: at worst the person gets the mail twice.

    Arguments are plain JSON (the house rule is ids; mail needs the rendered context, which
    holds no more than the message itself).
    """
    send_templated_mail(to=to, template=template, context=context, language=language)
