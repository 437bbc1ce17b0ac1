"""Every intent name the code compares a request against, declared once.

A ritual's own starting intents are declared on the ritual (`intents = frozenset({...})`), beside the content
file that gives them their sample utterances; every other name the engine, a ritual or the Alexa adapter
looks for is here, so a rename is one edit and a typo is an import error rather than a silent miss.
"""

from __future__ import annotations

# -- Amazon's built-ins ------------------------------------------------------------------------------------------
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
NEXT = "AMAZON.NextIntent"
HELP = "AMAZON.HelpIntent"
STOP = "AMAZON.StopIntent"
CANCEL = "AMAZON.CancelIntent"
PAUSE = "AMAZON.PauseIntent"
RESUME = "AMAZON.ResumeIntent"
REPEAT = "AMAZON.RepeatIntent"
START_OVER = "AMAZON.StartOverIntent"
NAVIGATE_HOME = "AMAZON.NavigateHomeIntent"
# Alexa caught something no intent matches: while a ritual waits, often a snatch of the couple's own talk.
HEARD_SOMETHING = "AMAZON.FallbackIntent"

# -- the narrator's own ----------------------------------------------------------------------------------------------
SET_NAMES = "SetNamesIntent"
MY_NAME = "MyNameIntent"
SWAP_VOICES = "SwapVoicesIntent"
CHOOSE_VOICE = "ChooseVoiceIntent"  # "Maya, choose my voice", "a different voice for Sam"
FORGET_US = "ForgetUsIntent"
FORGET_ME = "ForgetMeIntent"  # one partner: the question says it is both of them or neither
SAFETY = "SafetyIntent"  # a safety disclosure (skill.engine.care)
DISTRESS = "DistressIntent"  # "I'm not okay" (skill.engine.care)

# -- shared by every ritual taken in turns (skill/engine/turn_taking.py) -----------------------------------------------------
DONE = "DoneIntent"  # "my turn is over"
FINISHED = "FinishedIntent"  # "we're finished": never "my turn is over"
RATING = "RatingIntent"
SKIP = "SkipIntent"  # "skip", "pass", "we'd rather not": a rating is optional
TAKE_OUR_TIME = "TakeOurTimeIntent"
KEEP_TIME = "KeepTimeIntent"

# -- one ritual's, named elsewhere too -----------------------------------------------------------------------------
HUG = "HugIntent"  # the check-in offers a long hug after a hard week
ROADBLOCK = "RoadblockIntent"  # the roadblock named from its list, or asked about
BREAK = "BreakIntent"  # "we need a break": in a repair its own pause, elsewhere a pause
KEEPS_HAPPENING = "KeepsHappeningIntent"  # "it keeps happening": counselling, once, in the care layer's words
MORNING_GREETING = "MorningGreetingIntent"  # "good morning": morning coffee, but only in the morning
COUNSELLING = "CounsellingIntent"
CHECK_IN = "CheckInIntent"
CHECK_IN_HISTORY = "CheckInHistoryIntent"
CHECK_IN_REMINDER = "CheckInReminderIntent"
TALK_TIMER = "TalkTimerIntent"  # "give us fifteen minutes": a timer for the check-in's talk together
ADD_TO_JAR = "AddToJarIntent"
JAR_QUESTION = "JarQuestionIntent"
JAR_LIST = "JarListIntent"
EMPTY_JAR = "EmptyJarIntent"
ANOTHER_QUESTION = "AnotherQuestionIntent"
LIGHTER_QUESTION = "LighterQuestionIntent"
DEEPER_QUESTION = "DeeperQuestionIntent"
TIRED_TONIGHT = "TiredTonightIntent"
SIDE_BY_SIDE = "SideBySideIntent"  # the thirty-six questions' close, side by side instead of eye to eye
WALK_TOGETHER = "WalkTogetherIntent"  # ... or a walk together, with no clock
