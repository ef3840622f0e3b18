# The SDK's payment flow is saved with the order; the last status answer is part of it.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="payment",
            name="status_body",
        ),
        migrations.AddField(
            model_name="payment",
            name="flow_state",
            field=models.TextField(blank=True),
        ),
    ]
