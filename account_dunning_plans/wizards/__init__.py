from . import account_dunning_plan_assign
from . import account_dunning_followup_wizards
from . import account_dunning_simulation
from . import account_dunning_plan_test
