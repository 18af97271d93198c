"""factory_boy factories of the question bank."""

import itertools

import factory

from quizzes import models


class CategoryFactory(factory.django.DjangoModelFactory):
    """A category; pass ``parent`` for a subcategory."""

    class Meta:
        model = models.Category
        django_get_or_create = ("parent", "name")

    name = factory.Sequence(lambda n: f"分类{n}")
    parent = None


class KnowledgePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.KnowledgePoint
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"知识点{n}")


# One counter for every type: each concrete factory would otherwise restart its own sequence,
# and two questions of different types would share a stem.
_numbers = itertools.count(1)


class QuestionFactory(factory.django.DjangoModelFactory):
    """Shared fields; ``knowledge_points=[...]`` sets the tags after saving."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    stem = factory.LazyFunction(lambda: f"关于干部选拔任用监督的第{next(_numbers)}道题目")
    category = factory.SubFactory(CategoryFactory)
    difficulty = 2
    status = models.Question.Status.PUBLISHED

    @factory.post_generation
    def knowledge_points(self, create, extracted, **kwargs):
        if create and extracted:
            self.knowledge_points.set(extracted)


class SingleChoiceQuestionFactory(QuestionFactory):
    class Meta:
        model = models.SingleChoiceQuestion

    options = factory.LazyFunction(lambda: ["中共中央办公厅", "国务院办公厅", "中央组织部"])
    correct = 0


class MultipleChoiceQuestionFactory(QuestionFactory):
    class Meta:
        model = models.MultipleChoiceQuestion

    options = factory.LazyFunction(lambda: ["选拔任用", "责任追究", "离任检查", "举报查核"])
    correct = factory.LazyFunction(lambda: [0, 2])


class TrueFalseQuestionFactory(QuestionFactory):
    class Meta:
        model = models.TrueFalseQuestion

    correct = True


class FillBlankQuestionFactory(QuestionFactory):
    class Meta:
        model = models.FillBlankQuestion

    stem = factory.LazyFunction(lambda: f"第{next(_numbers)}题:查处情况报告要由主要负责人____。")
    blanks = factory.LazyFunction(lambda: [["署名", "签名"]])


class EssayQuestionFactory(QuestionFactory):
    class Meta:
        model = models.EssayQuestion

    rubric = "说明四项监督制度的主要内容。"
    reference_answer = "选拔任用责任追究、离任检查、举报查核、一报告两评议。"


QUESTION_FACTORIES = {
    "single": SingleChoiceQuestionFactory,
    "multiple": MultipleChoiceQuestionFactory,
    "truefalse": TrueFalseQuestionFactory,
    "fill": FillBlankQuestionFactory,
    "essay": EssayQuestionFactory,
}
