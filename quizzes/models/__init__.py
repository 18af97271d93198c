from quizzes.models.attempts import Attempt, AttemptQuestion
from quizzes.models.bank import (
    QUESTION_TYPES,
    Category,
    EssayQuestion,
    FillBlankQuestion,
    KnowledgePoint,
    MultipleChoiceQuestion,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from quizzes.models.practice import Favourite, PracticeProgress, WrongAnswer
from quizzes.models.quizzes import DrawRule, ExtraTime, Quiz, QuizQuestion

__all__ = [
    "QUESTION_TYPES",
    "Attempt",
    "AttemptQuestion",
    "Category",
    "DrawRule",
    "EssayQuestion",
    "ExtraTime",
    "Favourite",
    "FillBlankQuestion",
    "KnowledgePoint",
    "MultipleChoiceQuestion",
    "PracticeProgress",
    "Question",
    "Quiz",
    "QuizQuestion",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
    "WrongAnswer",
]
