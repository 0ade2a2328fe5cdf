from lotse.core import privacy


def test_every_model_field_is_classified():
    """A model that gains a field must classify it in its app's privacy.py."""
    assert privacy.unclassified_fields() == {}


def test_registry_covers_the_user_model_and_erases_it_last():
    from django.contrib.auth import get_user_model

    policy = privacy.policy_for(get_user_model())
    assert policy is not None
    assert policy.erasure is privacy.Erasure.DELETE
    assert policy.erasure_order == max(p.erasure_order for p in privacy.policies())
