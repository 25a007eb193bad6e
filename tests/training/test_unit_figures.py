"""training.unit_figures.training_figures: sessions, trainees, passes and certificates per jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest

from safetyportal.unit_figures import TrainingFigures, month_period, unit_key
from tests.core.factories import EnterpriseFactory, JurisdictionFactory, PersonFactory
from tests.training.factories import CertificateFactory, EnrolmentFactory, TrainingSessionFactory
from training.models import CertificateStatus, EnrolmentResult
from training.unit_figures import training_figures

pytestmark = pytest.mark.django_db

MAY = month_period(2024, 5)


def test_sessions_trainees_passes_and_certificates_per_jurisdiction():
    town, other = JurisdictionFactory.create_batch(2)
    session = TrainingSessionFactory(jurisdiction=town, ends_on=dt.date(2024, 5, 10))
    EnrolmentFactory(session=session, result=EnrolmentResult.PASSED)
    EnrolmentFactory(session=session, result=EnrolmentResult.FAILED)
    EnrolmentFactory(session=session, attended=False, result=EnrolmentResult.ABSENT)
    TrainingSessionFactory(jurisdiction=town, ends_on=dt.date(2024, 5, 20))  # nobody enrolled yet
    TrainingSessionFactory(
        jurisdiction=town, starts_on=dt.date(2024, 5, 28), ends_on=dt.date(2024, 6, 3)
    )  # ends in June
    TrainingSessionFactory(jurisdiction=None, ends_on=dt.date(2024, 5, 10))  # no place: nobody's

    employer = EnterpriseFactory(jurisdiction=town)
    CertificateFactory(employer=employer, holder=PersonFactory(jurisdiction=other))  # the employer's unit
    CertificateFactory(holder=PersonFactory(jurisdiction=other))  # no employer: the holder's
    CertificateFactory(employer=employer, status=CertificateStatus.REVOKED)  # left out
    CertificateFactory(employer=employer, first_issued_on=dt.date(2024, 4, 30))  # before the period

    figures = training_figures(MAY)
    assert figures[unit_key(town)] == TrainingFigures(sessions=2, trainees=2, passed=1, certificates=1)
    assert figures[unit_key(other)] == TrainingFigures(certificates=1)
    assert len(figures) == 2


def test_a_constant_number_of_queries(django_assert_max_num_queries):
    TrainingSessionFactory(jurisdiction=JurisdictionFactory(), ends_on=dt.date(2024, 5, 10))
    with django_assert_max_num_queries(2):
        assert len(training_figures(MAY)) == 1
    for _n in range(8):
        town = JurisdictionFactory()
        session = TrainingSessionFactory(jurisdiction=town, ends_on=dt.date(2024, 5, 10))
        EnrolmentFactory.create_batch(3, session=session, result=EnrolmentResult.PASSED)
        CertificateFactory(employer=EnterpriseFactory(jurisdiction=town))
    with django_assert_max_num_queries(2):
        figures = training_figures(MAY)
    assert len(figures) == 9
    assert sum(f.passed for f in figures.values()) == 24
