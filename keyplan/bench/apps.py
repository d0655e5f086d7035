from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "keyplan.bench"
    label = "bench"
    verbose_name = "Benchmark"
