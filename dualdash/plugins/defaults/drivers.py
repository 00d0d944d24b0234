"""The default Performance Drivers: the six behaviours of the Success Driver framework,
with a coaching question for each."""
from dualdash.plugins.hookspecs import hookimpl
from dualdash.plugins.types import CoachingQuestion, Driver, Situation

DRIVERS = [
    Driver("communication", "Communication",
           "Shares information clearly, early and with the right people.",
           "People know where things stand without having to ask; messages are short and clear."),
    Driver("accountability", "Accountability",
           "Owns outcomes, including the misses, and says what they will do about them.",
           "Names problems first, does not wait to be asked, and fixes what they own."),
    Driver("follow_through", "Follow-through",
           "Does what they said they would do, by when they said it.",
           "Commitments from the last 1:1 are done, or renegotiated before they are due."),
    Driver("preparation", "Preparation",
           "Comes to work, meetings and customers ready.",
           "Arrives with the numbers, the questions and a plan; no time is lost getting started."),
    Driver("collaboration", "Collaboration",
           "Works with others to get the result, and makes the team better.",
           "Asks for and offers help; others seek them out to work with."),
    Driver("leadership", "Leadership",
           "Sets an example and helps others grow, whatever their title.",
           "Others copy their habits; they coach peers and raise the bar for the team."),
]

QUESTIONS = {
    "communication": "Who needed to hear from you this week and didn't? What got in the way?",
    "accountability": "What is one result you own that is off track, and what will you do about it?",
    "follow_through": "Which commitments from last time are done, and which need a new date?",
    "preparation": "What would make you walk into your next important conversation better prepared?",
    "collaboration": "Who helped you this week, and who could you help next week?",
    "leadership": "Where did you raise the bar for others lately? Where could you?",
}


@hookimpl
def dualdash_driver_definitions():
    return DRIVERS


@hookimpl
def dualdash_coaching_questions():
    return [CoachingQuestion(Situation.DRIVER, text, driver=key) for key, text in QUESTIONS.items()]
