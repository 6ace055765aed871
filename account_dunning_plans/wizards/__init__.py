from . import account_dunning_plan_assign
