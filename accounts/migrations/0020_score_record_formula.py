"""Monthly score records say which formula produced them: those kept so far were computed by the
sum (100 less every failed check's weight, the channels' included); from now on, by the mean."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [("accounts", "0019_report_not_rated_and_exports")]

    operations = [
        migrations.AddField(
            model_name="scorerecord",
            name="formula",
            field=models.CharField(
                choices=[
                    ("2025 sum", "100 less every failed check's weight, its channels' included"),
                    ("2026-12 mean", "The mean of its channels' scores, less its own failed checks' weights"),
                ],
                default="2025 sum", max_length=20, verbose_name="formula",
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="scorerecord",
            constraint=models.CheckConstraint(
                condition=models.Q(formula__in=["2025 sum", "2026-12 mean"]), name="score_record_formula_valid",
            ),
        ),
    ]
