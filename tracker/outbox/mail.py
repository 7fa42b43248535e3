"""Development mail: one .eml file per message, so a person can open each in a mail client."""

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            # Write then rename, so a reader never sees half a message.
            tmp = path.with_suffix(".part")
            tmp.write_bytes(message.message().as_bytes(linesep="\r\n"))
            tmp.rename(path)
            sent += 1
        return sent
