import factory
from django.contrib.auth import get_user_model

from councils.models import Council, County, Membership, Municipality, Organisation, PortalRole

factory.Faker._DEFAULT_LOCALE = "sv_SE"

TEST_PASSWORD = "test-losenord-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Kommun {n}")
    slug = factory.Sequence(lambda n: f"kommun-{n}")
    kommunkod = factory.Sequence(lambda n: f"{8000 + n:04d}")
    county = County.JONKOPING
    police_area = "Lokalpolisområde Test"
    contact_name = "Säkerhetssamordnaren"
    contact_email = factory.LazyAttribute(lambda o: f"trygghet@{o.slug}.example")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Brottsförebyggande råd {n}")
    kind = Council.Kind.BRA
    purpose = "Rådet samordnar det brottsförebyggande arbetet."

    @factory.post_generation
    def municipalities(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.municipalities.set(extracted)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Förvaltning {n}")
    kind = Organisation.Kind.MUNICIPALITY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    council = factory.SubFactory(CouncilFactory)
    name = factory.Faker("name")
    role = Membership.Role.OTHER
    title = "Ledamot"
    organisation = None
    until_successor = True
    publish_name = True


class PortalRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PortalRole

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    role = PortalRole.Role.MEMBER
