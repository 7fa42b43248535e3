"""What the loader remembers between runs: which rows it wrote, as it wrote them, and from which
fixture files."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class LoadedRecord(models.Model):
    """A row the CRPD loader wrote, with the digest of the values it wrote: a row whose values no
    longer match was changed by someone after loading, and the loader leaves it alone."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    fixture_key = models.CharField(_("fixture key"), max_length=300)
    digest = models.CharField(_("digest of the loaded values"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("loaded record")
        verbose_name_plural = _("loaded records")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="loadedrecord_unique_row"
            ),
        ]

    def __str__(self) -> str:
        return self.fixture_key


class FixtureLoad(models.Model):
    """The last successful load of a set of fixture files: their fingerprint tells
    `load_crpd --if-changed` whether there is anything new to load."""

    source = models.CharField(_("source"), max_length=40, unique=True)
    fingerprint = models.CharField(_("fingerprint of the fixture files"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded"), auto_now=True)

    class Meta:
        verbose_name = _("fixture load")
        verbose_name_plural = _("fixture loads")

    def __str__(self) -> str:
        return f"{self.source} {self.fingerprint[:12]}"
