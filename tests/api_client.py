"""Helpers shared by the API tests of both apps."""

from django.urls import reverse
from rest_framework.test import APIClient


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)
