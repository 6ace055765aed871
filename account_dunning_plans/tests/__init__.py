from . import test_engine
from . import test_dunning_cron
