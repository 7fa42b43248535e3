import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType

from indicators import models as im
from tracker import models as tm
from tracker.organisations.roles import ADMINISTRATOR, EDITOR, REVIEWER
from tracker.workflow import services


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tm.Organization
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ORG{n}")
    short_kk = factory.LazyAttribute(lambda o: o.code)
    name_kk = factory.LazyAttribute(lambda o: f"{o.code} министрлігі")
    name_en = factory.LazyAttribute(lambda o: f"Ministry {o.code}")
    kind = tm.OrganizationKind.MINISTRY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tm.User

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.django.Password("correct horse battery staple")
    role = None

    class Params:
        editor = factory.Trait(role=EDITOR)
        reviewer = factory.Trait(role=REVIEWER)
        administrator = factory.Trait(role=ADMINISTRATOR, is_staff=True)

    @classmethod
    def _create(cls, model_class, *args, role=None, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tm.Article
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: (n % 50) + 1)
    title_kk = factory.LazyAttribute(lambda a: f"{a.number}-бап")
    title_en = factory.LazyAttribute(lambda a: f"Article {a.number}")
    part = tm.ArticlePart.RIGHTS


class ReportParagraphFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tm.ReportParagraph
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n + 1)
    article = factory.SubFactory(ArticleFactory, number=9)
    text_kk = factory.LazyAttribute(lambda p: f"{p.number}. Баяндама мәтіні.")


class LegalActFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tm.LegalAct
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"kz:law:2005-04-13:{n}-III")
    act_type = tm.LegalActType.LAW
    number = factory.Sequence(lambda n: f"{n}-III")
    adopted = dt.date(2005, 4, 13)
    title_kk = factory.Sequence(lambda n: f"Заң {n}")
    title_en = factory.Sequence(lambda n: f"Law {n}")


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tm.Citation

    key = factory.Sequence(lambda n: f"c:1:{n}")
    act = factory.SubFactory(LegalActFactory)
    article_ref = "14"
    clause_ref = "2"
    paragraph = factory.SubFactory(ReportParagraphFactory)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tm.Measure
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"m:09:{n:03d}")
    title_kk = factory.Sequence(lambda n: f"Шара {n}")
    title_en = factory.Sequence(lambda n: f"Measure {n}")
    kind = tm.MeasureKind.ADMINISTRATIVE
    status = tm.MeasureStatus.IN_PROGRESS
    # The database's rule: an implemented measure is complete.
    progress = factory.LazyAttribute(
        lambda m: 100 if m.status == tm.MeasureStatus.IMPLEMENTED else 40
    )

    @factory.post_generation
    def articles(self, create, extracted, **kwargs):
        if create:
            self.articles.set(extracted or [ArticleFactory(number=9)])

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.set(extracted)


class ChangeRequestFactory(factory.django.DjangoModelFactory):
    """A draft row proposing a new measure, written directly (so constraint tests can build
    broken ones). `submitted=True` goes through the workflow services instead: the draft is
    created and submitted by its author, with both review events and the outbox rows. It
    proposes `payload` for the record `target_id` names, or else a new record; for a new measure
    the payload is completed into a valid one (article 9, the author's organisation)."""

    class Meta:
        model = tm.ChangeRequest

    target_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(tm.Measure))
    operation = tm.ChangeOperation.CREATE
    payload = factory.LazyFunction(lambda: {"title_kk": "Жаңа шара"})
    author = factory.SubFactory(UserFactory, editor=True)
    organization = factory.LazyAttribute(lambda cr: cr.author.organization)
    submitted = False

    @classmethod
    def _create(cls, model_class, *args, submitted=False, **kwargs):
        if not submitted:
            return super()._create(model_class, *args, **kwargs)
        if "status" in kwargs:
            raise TypeError("A submitted change request's status is the services' to set.")
        author, model = kwargs["author"], kwargs["target_type"].model_class()
        target_id = kwargs.get("target_id")
        payload = kwargs["payload"]
        if target_id is None and model is tm.Measure:
            payload = {
                "kind": tm.MeasureKind.ADMINISTRATIVE,
                "status": tm.MeasureStatus.PLANNED,
                "articles": [ArticleFactory(number=9).pk],
                "organizations": [author.organization_id],
                **payload,
            }
        cr = services.change_request_create(
            by=author,
            target=model._default_manager.get(pk=target_id) if target_id is not None else None,
            target_model=model if target_id is None else None,
            payload=payload,
            summary=kwargs.get("summary", ""),
            explanation=kwargs.get("explanation", ""),
        )
        return services.change_request_submit(cr_id=cr.pk, by=author)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = im.Programme

    key = factory.Sequence(lambda n: f"prog:p{n}")
    name_kk = factory.Sequence(lambda n: f"Бағдарлама {n}")
    period_start = 2016
    period_end = 2019


class DimensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = im.Dimension
        django_get_or_create = ("code",)

    code = "region"
    name_kk = "Өңір"


class DimensionValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = im.DimensionValue
        django_get_or_create = ("dimension", "code")

    dimension = factory.SubFactory(DimensionFactory)
    code = "akmola"
    name_kk = "Ақмола"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = im.Indicator

    key = factory.Sequence(lambda n: f"ind:test:i{n}")
    name_kk = factory.Sequence(lambda n: f"Индикатор {n}")
    unit = im.Unit.PERCENT
    direction = im.Direction.HIGHER
    year_from = 2012
    year_to = 2030


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = im.Target

    indicator = factory.SubFactory(IndicatorFactory)
    year = 2019
    value = Decimal("20")


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = im.Observation

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = dt.date(2016, 1, 1)
    period_end = dt.date(2016, 12, 31)
    value = Decimal("9.1")


class LegalActAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = tm.LegalActAlias

    act = factory.SubFactory(LegalActFactory)
    text = factory.Sequence(lambda n: f"Заңның {n}-атауы")


class DataFlagFactory(factory.django.DjangoModelFactory):
    """A data-quality flag on `target` (a measure unless told otherwise)."""

    class Meta:
        model = tm.DataFlag
        exclude = ("target",)

    target = factory.SubFactory(MeasureFactory)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.target))
    object_id = factory.LazyAttribute(lambda o: o.target.pk)
    code = tm.DataFlagCode.GARBLED
    message = "Мәтін бұзылған"
