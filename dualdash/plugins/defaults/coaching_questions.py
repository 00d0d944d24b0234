"""The default coaching questions: celebrate and learn from strong results, get curious about
weak ones, and open and close every 1:1 well."""
from dualdash.plugins.hookspecs import hookimpl
from dualdash.plugins.types import CoachingQuestion, Situation

QUESTIONS = {
    Situation.KPI_EXCEEDS: [
        "What made this result possible, and how much of it was in your hands?",
        "Which habits behind this result should the rest of the team try?",
        "How do we repeat this next period on purpose, not by luck?",
    ],
    Situation.KPI_MEETS: [
        "You are on the line: what would it take to move past it?",
        "What is working that we should protect?",
    ],
    Situation.KPI_FAILS: [
        "What changed since this was last on track?",
        "What is getting in the way that you do not control? And that you do?",
        "What support would make the biggest difference in the next two weeks?",
    ],
    Situation.KPI_TRENDING_UP: [
        "This has been climbing: what are you doing differently?",
    ],
    Situation.KPI_TRENDING_DOWN: [
        "This has slipped for a few periods: what do you see that the numbers don't show?",
        "What is one thing we could try this week to turn it around?",
    ],
    Situation.DRIVER: [
        "Where did this show up well since we last met? Where not?",
    ],
    Situation.SKILL_GAP: [
        "Where would this skill have helped you recently?",
        "What is the smallest next step to practise it: a course, a shadowing session, a stretch task?",
    ],
    Situation.MEETING_OPEN: [
        "How are you doing, really?",
        "What is the one thing you want to leave this meeting with?",
    ],
    Situation.MEETING_CLOSE: [
        "What are you committing to before we meet again, and by when?",
        "What can I do to help?",
    ],
}


@hookimpl
def dualdash_coaching_questions():
    return [CoachingQuestion(situation, text) for situation, texts in QUESTIONS.items() for text in texts]
