from . import test_dunning_queue
