"""Incentive policies: the list, a subject's verdicts, a policy's qualifiers (rules in :mod:`.rules`)."""
