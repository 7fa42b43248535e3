from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from .models import Article
from .selectors import article_list_with_counts


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/dashboard.html", {"articles": article_list_with_counts()})


def article_detail(request: HttpRequest, number: int) -> HttpResponse:
    article = get_object_or_404(Article, number=number)
    measures = article.measures.order_by("key")
    paragraphs = article.paragraphs.order_by("number")
    return render(
        request,
        "tracker/article_detail.html",
        {"article": article, "measures": measures, "paragraphs": paragraphs},
    )
