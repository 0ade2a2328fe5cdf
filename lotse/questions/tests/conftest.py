"""People the questions tests share: a München volunteer, the München coordinators, the state
editors of Bavaria (and of another Land), and a question of the volunteer. Everybody reads
English, so that assertions on texts do not depend on the German catalogue."""

import pytest

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.questions.tests.factories import QuestionFactory
from lotse.regions.models import State
from lotse.volunteers.tests.factories import VolunteerProfileFactory


def make_role(role, **scope):
    """A user with `role` in `scope` (district= or state=)."""
    user = UserFactory(preferred_language="en")
    RoleAssignmentFactory(user=user, role=role, **scope)
    return user


@pytest.fixture
def volunteer(munich):
    return VolunteerProfileFactory(user=UserFactory(preferred_language="en")).user


@pytest.fixture
def coordinator(munich):
    return make_role(Role.COORDINATOR, district=munich)


@pytest.fixture
def colleague(munich):
    return make_role(Role.COORDINATOR, district=munich)


@pytest.fixture
def other_coordinator(nuremberg):
    return make_role(Role.COORDINATOR, district=nuremberg)


@pytest.fixture
def editor(db):
    return make_role(Role.STATE_EDITOR, state=State.objects.get(code="BY"))


@pytest.fixture
def other_editor(db):
    return make_role(Role.STATE_EDITOR, state=State.objects.get(code="BW"))


@pytest.fixture
def question(volunteer):
    return QuestionFactory(asker=volunteer, title="Wohngeld beantragen")
