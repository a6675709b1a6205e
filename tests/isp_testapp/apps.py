from django.apps import AppConfig


class IspTestappConfig(AppConfig):
    """A sharable record kind that exists only for the sharing engine's tests and
    benchmarks; it is never installed in production."""

    name = "tests.isp_testapp"
    label = "isp_testapp"
