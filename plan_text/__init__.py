"""The plan's text as data: the source every quote in the app is checked against."""
from plan_text.index import Paragraph, PlanIndex, load_plan, parse_plan

__all__ = ["Paragraph", "PlanIndex", "load_plan", "parse_plan"]
