"""Factories for pledges, and helpers that publish through the real services."""

from datetime import date

import factory

from pledges import services
from pledges.models import Activity, CitizenPledge, FocusArea, FollowUp, FollowUpRevision, Responsible, Signatory
from tests.factories import MunicipalityFactory


class PledgeFactory(factory.django.DjangoModelFactory):
    """A draft pledge for 2024 in one municipality (pass `municipalities=[...]` for others)."""

    class Meta:
        model = CitizenPledge
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Medborgarlöfte {n}: tryggare centrum")
    police_area = "Lokalpolisområde Test"
    start_date = date(2024, 1, 1)
    end_date = date(2024, 12, 31)
    background = "Invånarna upplever otrygghet i centrum på kvällstid."
    effect = "Fler ska känna sig trygga i centrum."

    @factory.post_generation
    def municipalities(obj, create, extracted, **kwargs):
        if create:
            obj.municipalities.set(extracted if extracted is not None else [MunicipalityFactory()])


class SignatoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Signatory

    pledge = factory.SubFactory(PledgeFactory)
    name = factory.Faker("name")
    title = "Lokalpolisområdeschef"


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    pledge = factory.SubFactory(PledgeFactory)
    title = factory.Sequence(lambda n: f"Fokusområde {n}")
    description = "Trygghet i centrum."
    order = factory.Sequence(lambda n: n)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    focus_area = factory.SubFactory(FocusAreaFactory)
    description = factory.Sequence(lambda n: f"Genomföra trygghetsvandringar ({n})")
    responsible = Responsible.BOTH
    target = 4
    unit = "trygghetsvandringar"
    order = factory.Sequence(lambda n: n)


def published_pledge(*, by=None, areas=2, activities=1, **kwargs) -> CitizenPledge:
    """A pledge with `areas` focus areas of `activities` activities each, published by `services.pledge_publish`."""
    pledge = PledgeFactory(**kwargs)
    for _area in range(areas):
        area = FocusAreaFactory(pledge=pledge)
        ActivityFactory.create_batch(activities, focus_area=area)
    return services.pledge_publish(pledge=pledge, by=by)


def fill_rows(follow_up: FollowUp, *, by=None, status="ongoing", achieved=2, narrative="Två vandringar genomförda."):
    """Report every activity of a follow-up through `services.row_save`, as the autosave does."""
    for row in follow_up.rows.all():
        services.row_save(
            row_id=row.pk, by=by, status=status, achieved=achieved, narrative=narrative, version=row.version
        )


def publish_follow_up(pledge: CitizenPledge, year=2024, tertial=1, *, by=None, **row_values) -> FollowUpRevision:
    """Fill in and approve one tertial's follow-up of a published pledge; returns its first revision."""
    follow_up = FollowUp.objects.get(pledge=pledge, year=year, tertial=tertial)
    fill_rows(follow_up, by=by, **row_values)
    return services.follow_up_approve(follow_up=follow_up, by=by)


def correct_follow_up(revision: FollowUpRevision, *, note: str, by=None, **row_values) -> FollowUpRevision:
    """Reopen a published follow-up, change its rows and approve the correction."""
    follow_up = services.follow_up_reopen(follow_up=revision.follow_up, by=by)
    fill_rows(follow_up, by=by, **row_values)
    return services.follow_up_approve(follow_up=follow_up, by=by, correction_note=note)
