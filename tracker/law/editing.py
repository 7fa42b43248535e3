"""What a change request may change on a legal act (reviewers and administrators only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from tracker.workflow.specs import EditSpec, register, require

from .models import LegalAct


class LegalActForm(forms.ModelForm):
    """A legal act's editable fields (reviewers and administrators only)."""

    class Meta:
        model = LegalAct
        fields = [
            "key",
            "act_type",
            "number",
            "adopted",
            "adopted_precision",
            "issuer",
            "issuing_organization",
            "title_kk",
            "title_ru",
            "title_en",
            "status",
            "source_paragraphs",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        require(self, ["act_type", "status"])


def register_legal_act(*, after_apply: Callable[..., None]) -> None:
    """`after_apply`: what an approved change of an act sets off (measures register theirs)."""
    register(
        EditSpec(
            model=LegalAct,
            form=LegalActForm,
            create_only=frozenset({"key"}),
            after_apply=after_apply,
        )
    )
