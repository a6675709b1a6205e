"""The case files' API routes in the project's /api/ router (cse_team.api),
found because this app is installed (CSE_TEST_APPS=1)."""

from cse_team.api import router
from tests.isp_testapp.views import CaseFileViewSet

router.register("case-files", CaseFileViewSet, basename="casefile-api")
