import pytest
from django.core.management import call_command

from councils.models import Municipality
from situation.models import CrimeStatistic, Incident

pytestmark = pytest.mark.django_db


def test_seed_scale_creates_municipalities_incidents_and_statistics_and_tops_up_on_rerun():
    call_command("seed_scale", municipalities=4, incidents=3000, years=1, verbosity=0)
    assert Municipality.objects.filter(slug__startswith="skala-").count() == 4
    assert Incident.objects.count() == 3000
    assert CrimeStatistic.objects.count() == 4 * 12 * 5
    per_municipality = Incident.objects.values("municipality").distinct().count()
    assert per_municipality == 4
    call_command("seed_scale", municipalities=4, incidents=3500, years=1, verbosity=0)
    assert Incident.objects.count() == 3500
    assert CrimeStatistic.objects.count() == 4 * 12 * 5
