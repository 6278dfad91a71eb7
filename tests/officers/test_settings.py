"""The officer settings: the rule set's officer rules unless the city administrator saved other numbers."""

from officers.models import OfficerProfile, OfficerSettings
from rulesets import OfficerRules, get_ruleset


def test_without_a_saved_row_the_rule_sets_numbers_apply(db, django_assert_num_queries):
    rules = get_ruleset().officers
    with django_assert_num_queries(1):
        in_force = OfficerSettings.in_force()
    assert (in_force.default_max_load, in_force.no_service_days) == (rules.default_max_load, rules.no_service_days)
    assert (rules.default_max_load, rules.no_service_days, rules.no_service_high_factor) == (15, 90, 2)
    other = OfficerSettings.in_force(rules=OfficerRules(default_max_load=20, no_service_days=60))
    assert (other.default_max_load, other.no_service_days) == (20, 60)


def test_a_saved_row_overrides_the_rules(db):
    OfficerSettings.objects.create(default_max_load=25, no_service_days=45)
    in_force = OfficerSettings.in_force(rules=OfficerRules(default_max_load=20, no_service_days=60))
    assert (in_force.default_max_load, in_force.no_service_days) == (25, 45)


def test_the_fields_start_from_the_rules_base_numbers():
    assert OfficerSettings().default_max_load == OfficerProfile().max_load == OfficerRules().default_max_load
    assert OfficerSettings().no_service_days == OfficerRules().no_service_days
