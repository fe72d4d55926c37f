"""The wording of the capacity assessment steps and the action plan's questions.

Sources: seed 000 (CADRE, "Building Local-level Capacity": the six "Getting
Started" steps) and seed 001 (CADRE, "Building Local-level Capacity Action
Planning Tool": 1 priority area, 2 desired results a-g, 3 performance targets
with a and b, the Activities Planning Worksheet). The structure and numbering
follow CADRE; every sentence here is ours.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    number: int
    title: str
    intro: str
    questions: tuple[str, ...]


ASSESSMENT_STEPS: tuple[Step, ...] = (
    Step(1, "Where local capacity stands today",
         "Start from the data you have: dispute-resolution records, indicator 8 (parent "
         "involvement) results and anything else that shows how things work now.",
         ("How well do educators and families work together now?",
          "How well do schools settle disagreements early, before they become formal disputes?",
          "How closely do local policies and practices follow federal and state special "
          "education rules?",
          "Who most needs to grow, and in what? Do they have the knowledge and skills they need?",
          "What else around them affects this: what is going on when families and staff try to "
          "work through a conflict, and does anything reward the way things are done now?")),
    Step(2, "Assumptions and how strong the evidence is",
         "Check what you took for granted in step 1 before you build on it.",
         ("What evidence backs up our picture of local capacity, and how strong is it?",
          "Do several data sources point the same way?",
          "Does anything contradict it, or are there exceptions?",
          "How valid and reliable is the data?",
          "What do we not know yet, and how could we find it out?")),
    Step(3, "Desired results and who they are for",
         "Describe the change you want to see and the people who would make it.",
         ("What do we want people to do differently at the local level?",
          "Who should be doing it? What motivates them, who influences them, and what might get "
          "in their way?",
          "Why do these changes matter?",
          "What would success look like?")),
    Step(4, "Priorities",
         "Choose what to work on first.",
         ("Do leaders and stakeholders care about these changes?",
          "How do they fit with the other priorities of our agency?",
          "What do we really have the capacity to take on?",
          "What opportunities or strengths do we already have that we can build on?")),
    Step(5, "What has to happen",
         "Work out the support, the people and the timing.",
         ("What support does the audience need most to put the new practices to work?",
          "Which strategies or activities would make the biggest difference?",
          "What resources are needed, and which existing ones can we use or adapt?",
          "Who will we partner or coordinate with, and which existing structures can we use?",
          "Who is responsible for each activity and for oversight, and when will each be done?")),
    Step(6, "The action plan",
         "Sum up what the plan will focus on. Then start an action plan from this assessment: "
         "your answers are copied into it where they fit.",
         ("What will the plan focus on first, and why?",
          "What should the plan's performance targets measure?")),
)

STEP_BY_NUMBER = {s.number: s for s in ASSESSMENT_STEPS}

#: 2a-2g of the CADRE tool: the letter, a short label, and the question in our words.
DESIRED_RESULTS: tuple[tuple[str, str, str], ...] = (
    ("a", "Behaviours we hope to see",
     "What do we hope people will do as a result of working on this priority area?"),
    ("b", "Who needs to act this way",
     "Who needs to act this way?"),
    ("c", "Knowledge and skills needed",
     "What do they need to know and be able to do in order to act this way?"),
    ("d", "Teaching methods",
     "Which teaching methods will pass on that knowledge and those skills best?"),
    ("e", "Supports for local implementation",
     "What supports do the new practices need locally, and how can the state (or district) "
     "provide them?"),
    ("f", "What should happen as a result",
     "What do we hope will happen because of these changes?"),
    ("g", "Why it matters",
     "Why is this important?"),
)

PRIORITY_QUESTION = "Our priority area: what will this plan focus on?"
TARGETS_QUESTION = ("Measurable, outcome-based performance targets we can realistically reach "
                    "by a set date")
TARGET_DATA_QUESTION = "What data would show that we have met the target?"
TARGET_SOURCES_QUESTION = "Which data sources will we use?"

#: The Activities Planning Worksheet's six columns, exactly as CADRE names them.
WORKSHEET_COLUMNS = ("Activities", "Resources Needed", "Staff Lead", "Date to be Initiated",
                     "Date to be Completed", "Notes")
