from quizzes.models.attempts import Attempt, AttemptQuestion
from quizzes.models.bank import AnswerError, Category, KnowledgePoint, Question
from quizzes.models.practice import Favourite, PracticeProgress, PracticeRecord, WrongAnswer
from quizzes.models.quizzes import DrawRule, PersonalSetting, Quiz, QuizQuestion
from quizzes.models.types import (
    QUESTION_TYPES,
    EssayQuestion,
    FillBlankQuestion,
    MultipleChoiceQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

__all__ = [
    "QUESTION_TYPES",
    "AnswerError",
    "Attempt",
    "AttemptQuestion",
    "Category",
    "DrawRule",
    "EssayQuestion",
    "Favourite",
    "FillBlankQuestion",
    "KnowledgePoint",
    "MultipleChoiceQuestion",
    "PersonalSetting",
    "PracticeProgress",
    "PracticeRecord",
    "Question",
    "Quiz",
    "QuizQuestion",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
    "WrongAnswer",
]
