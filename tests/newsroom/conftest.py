"""The newsroom's tests read what the desk and publishing leave, so they share their cast."""

from tests.reviewers.conftest import publish_check as publish_check
