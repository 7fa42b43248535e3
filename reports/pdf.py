"""The PDF attachment: the report's HTML through WeasyPrint, as PDF/UA-1 (tagged, its language
set, fonts embedded). The font is vendored (static/fonts, DejaVu Sans) so that Kazakh letters
(ә ғ қ ң ө ұ ү һ і) render the same on any server, whatever fonts it has."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from . import presentation
from .models import ReportEdition
from .selectors import StatusReport

FONTS = Path(settings.BASE_DIR) / "static" / "fonts"
# A list longer than this is cut in the PDF after its most urgent rows (with a note); the XLSX lists
# every row. Thousands of table rows would make a document nobody reads, and WeasyPrint lays out
# about a hundred table rows a second on one core.
PDF_LIST_LIMIT = 50

# WeasyPrint logs every page it lays out at INFO.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def html(*, edition: ReportEdition, status: StatusReport, language: str, for_pdf: bool) -> str:
    """The report as one HTML document: printed to PDF, or shown as the admin's preview."""
    with translation.override(language):
        context = presentation.context(
            edition=edition, status=status, language=language, limit=PDF_LIST_LIMIT
        )
        if for_pdf:
            context["font_regular"] = (FONTS / "DejaVuSans.ttf").as_uri()
            context["font_bold"] = (FONTS / "DejaVuSans-Bold.ttf").as_uri()
        else:
            context["font_regular"] = settings.STATIC_URL + "fonts/DejaVuSans.ttf"
            context["font_bold"] = settings.STATIC_URL + "fonts/DejaVuSans-Bold.ttf"
            context["preview"] = True
        return render_to_string("reports/document.html", context)


def render(*, edition: ReportEdition, status: StatusReport, language: str) -> bytes:
    # Imported here: WeasyPrint loads Pango through cffi, which only the rendering worker needs.
    from weasyprint import HTML

    document = HTML(
        string=html(edition=edition, status=status, language=language, for_pdf=True),
        base_url=str(settings.BASE_DIR),
    )
    return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, uncompressed_pdf=False)
