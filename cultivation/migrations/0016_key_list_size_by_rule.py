import django.core.validators
from django.db import migrations, models

import cultivation.models


class Migration(migrations.Migration):
    """The key list's default size is the rule set's (rulesets.CultivationRules); no column changes."""

    dependencies = [
        ("cultivation", "0015_events_transition_shape"),
    ]

    operations = [
        migrations.AlterField(
            model_name='cultivationsettings',
            name='key_list_size',
            field=models.PositiveSmallIntegerField(default=cultivation.models.key_list_size_by_rule, help_text='How many firms of each tier per county make the key cultivation list (重点培育).', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(500)], verbose_name='key cultivation list size'),
        ),
    ]
