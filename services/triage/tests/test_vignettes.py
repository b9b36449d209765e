"""Clinical vignettes: a person, a channel, a reason, answers and a moment, with the care level and
profession that the cited public source points to. Each group names its source; the expected
outcome was written from the source's advice, not read off the guideline files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import pytest

from nara.shared.clock import STOCKHOLM
from nara.triage.domain.engine import evaluate
from nara.triage.domain.guidelines import SHIPPED_GUIDELINES_FOLDER, load_guidelines

GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)

NG120 = "NICE NG120 Cough (acute): self-limiting, about 3 weeks; refer if breathless or systemically unwell"
NG51 = "NICE NG51 Sepsis / 1177 Sepsis: suspected sepsis is an emergency (call 112)"
NG84 = "NICE NG84 Sore throat: Centor/FeverPAIN for streptococcal testing; stridor, drooling, quinsy refer"
NG91 = "NICE NG91 Otitis media: most resolve in about 3 days with analgesia; mastoiditis and infants refer"
NG109 = "NICE NG109/NG111 UTI: uncomplicated lower UTI in women vs. men, pregnancy, pyelonephritis"
MAGE = "1177 Mage och tarm / RETTS: acute abdomen, GI bleeding, appendicitis to the emergency department"
NG126 = "NICE NG126 Ectopic pregnancy: pain and possible pregnancy need same-day emergency assessment"
BACK = "NICE CKS Low back pain: red flags (cauda equina, infection, cancer); otherwise stay active"
OTTAWA = "NICE CKS Sprains and strains: Ottawa rules for X-ray; RICE self-care for minor sprains"
SKIN = "NICE NG240 meningococcal rash / CKS Cellulitis / 1177 Hud: self-care for mild rashes"
WOUND = "1177 Olyckor och skador / CKS Bites: close gaping wounds within hours, bites assessed the same day"
HEAD = "NICE CKS Headache assessment / CG150: thunderclap, meningism, new headache over 50 are red flags"
DIZZY = "AKUT test, NICE NG128 / CG109 exertional syncope / CKS Vertigo: BPPV treated with manoeuvres"
CG95 = "NICE CG95 Chest pain: current pain emergency; within 12–72 h same-day; with breathlessness/sweating 112"
BREATH = "RETTS / 1177 Lungor / CKS Croup: severe breathlessness 112, stridor in a child to the ED"
MIND = "NICE NG225 Self-harm, NG222 Depression, CG113 Anxiety: suicide plan emergency; stepped care otherwise"
SLEEP = "NICE CKS Insomnia: sleep hygiene first; sleep apnoea and falling asleep while driving assessed"
CHRONIC = "NICE NG136 Hypertension / NG28 Diabetes / 1177: planned controls are return visits; ≥180 mmHg same day"
ADMIN = "Försäkringskassan and Socialstyrelsen FMB: own sick report for 7 days; renewals are administrative"
PREG = "NICE NG201 Antenatal care, NG133 Hypertension in pregnancy / 1177 Gravid: reduced movements same hour"
EYE = "NICE CKS Red eye: lens wearers and acute glaucoma urgent; conjunctivitis self-limiting"
ALLERGY = "NICE CG134 Anaphylaxis: call 112; CKS Allergic rhinitis: self-care with antihistamines"
NG143 = "NICE NG143 Fever in under 5s: under 3 months and red features urgent; fever ≥5 days assessed"
OTHER = "CKS Lyme disease, DVT, Epistaxis, Osteoarthritis / NICE CG103 Delirium / 1177 Olyckor (burns)"


@dataclass(frozen=True)
class Vignette:
    label: str
    age: int
    channel: str
    reason: str
    answers: dict = field(hash=False)
    time: str  # local Stockholm time on Tuesday 10 March 2026 (winter time)
    care_level: str
    profession: str
    source: str


V = Vignette
VIGNETTES = [
    V("adult with a cold, day 2 of fever", 35, "web", "cough_fever", {"breathless": False, "worse_again": False, "risk_group": False, "fever_days": 2, "cough_weeks": 1}, "10:00", "self_care", "nurse", NG120),
    V("older adult breathless with a chest infection", 70, "phone_1177", "cough_fever", {"breathless": True, "fever_days": 3}, "10:00", "within_hours", "doctor", NG120),
    V("better, then worse again", 45, "phone_unit", "cough_fever", {"worse_again": True, "fever_days": 3}, "10:00", "same_day", "doctor", NG120),
    V("cough for four weeks", 50, "web", "cough_fever", {"breathless": False, "worse_again": False, "risk_group": False, "fever_days": 0, "cough_weeks": 4}, "10:00", "within_3_days", "nurse", NG120),
    V("fever with COPD", 62, "reception", "cough_fever", {"risk_group": True, "fever_days": 2}, "10:00", "same_day", "nurse", NG120),
    V("confused and mottled with a chest infection", 80, "phone_1177", "cough_fever", {"sepsis_signs": True}, "03:00", "call_112", "doctor", NG51),
    V("fever and confusion with a urinary infection", 84, "phone_unit", "urinary", {"sepsis_signs": True, "fever": True}, "10:00", "call_112", "doctor", NG51),
    V("strep signs: fever, no cough, coated tonsils", 22, "web", "sore_throat", {"fever": True, "cough": False, "tonsil_coating": True, "days": 2}, "10:00", "within_3_days", "nurse", NG84),
    V("sore throat with a cough, no fever", 30, "web", "sore_throat", {"fever": False, "cough": True, "days": 2}, "10:00", "self_care", "nurse", NG84),
    V("drooling and noisy breathing", 28, "phone_1177", "sore_throat", {"airway": True}, "22:00", "emergency_now", "doctor", NG84),
    V("one-sided throat pain, cannot open mouth", 25, "phone_unit", "sore_throat", {"one_sided_abscess": True, "fever": True}, "10:00", "within_hours", "doctor", NG84),
    V("sore throat for ten days", 40, "web", "sore_throat", {"fever": False, "cough": False, "days": 10}, "10:00", "within_3_days", "nurse", NG84),
    V("child with earache, fever, paracetamol helps", 4, "web", "ear_pain", {"fever": True, "pain_relief_works": True, "pain_days": 1}, "10:00", "self_care", "nurse", NG91),
    V("child with earache not relieved, evening", 3, "phone_1177", "ear_pain", {"pain_relief_works": False, "fever": True}, "22:00", "within_hours", "doctor", NG91),
    V("child with earache not relieved, daytime", 3, "phone_unit", "ear_pain", {"pain_relief_works": False}, "10:00", "same_day", "doctor", NG91),
    V("infant under six months with earache", 0, "phone_1177", "ear_pain", {"infant_under_6_months": True}, "10:00", "same_day", "doctor", NG91),
    V("swelling behind the ear", 6, "web", "ear_pain", {"swelling_behind_ear": True}, "10:00", "emergency_now", "doctor", NG91),
    V("earache and fever for four days", 7, "web", "ear_pain", {"fever": True, "pain_days": 4, "pain_relief_works": True}, "10:00", "same_day", "nurse", NG91),
    V("uncomplicated cystitis in a young woman", 30, "web", "urinary", {"sex": "female", "fever": False, "flank_pain": False, "pregnant": False, "visible_blood": False, "days": 1}, "10:00", "within_3_days", "nurse", NG109),
    V("fever and flank pain", 45, "phone_unit", "urinary", {"fever": True, "flank_pain": True, "sex": "female"}, "10:00", "within_hours", "doctor", NG109),
    V("urinary symptoms in a man", 60, "phone_unit", "urinary", {"sex": "male", "fever": False, "flank_pain": False}, "10:00", "same_day", "doctor", NG109),
    V("urinary symptoms in pregnancy", 28, "phone_unit", "urinary", {"sex": "female", "pregnant": True, "fever": False}, "10:00", "same_day", "doctor", NG109),
    V("cannot pass urine", 75, "phone_1177", "urinary", {"cannot_urinate": True, "sex": "male"}, "10:00", "emergency_now", "doctor", NG109),
    V("urinary infection with fever, late evening", 35, "phone_1177", "urinary", {"fever": True, "flank_pain": False, "sex": "female"}, "21:00", "within_hours", "doctor", NG109),
    V("right lower pain and fever", 19, "phone_1177", "abdominal_pain", {"location": "right_lower", "fever": True}, "10:00", "emergency_now", "doctor", MAGE),
    V("vomiting blood", 50, "phone_1177", "abdominal_pain", {"bleeding": True}, "10:00", "emergency_now", "doctor", MAGE),
    V("mild upper stomach ache since this morning", 30, "web", "abdominal_pain", {"severe_constant": False, "fever": False, "cannot_keep_fluids": False, "location": "upper", "days": 0}, "10:00", "self_care", "nurse", MAGE),
    V("possibly pregnant with one-sided low pain", 26, "phone_1177", "abdominal_pain", {"possibly_pregnant": True, "location": "left_lower"}, "10:00", "emergency_now", "doctor", NG126),
    V("acute low back pain, moving", 40, "web", "back_pain", {"can_move": True, "trauma": False, "radiating_leg": False, "weeks": 1}, "10:00", "self_care", "physiotherapist", BACK),
    V("back pain with numb saddle area", 45, "phone_1177", "back_pain", {"cauda_equina": True}, "10:00", "emergency_now", "doctor", BACK),
    V("sciatica", 38, "web", "back_pain", {"radiating_leg": True, "can_move": True, "trauma": False, "weeks": 2}, "10:00", "within_3_days", "physiotherapist", BACK),
    V("back pain for eight weeks", 50, "web", "back_pain", {"radiating_leg": False, "trauma": False, "can_move": True, "weeks": 8}, "10:00", "within_3_days", "physiotherapist", BACK),
    V("back pain with earlier cancer", 68, "phone_unit", "back_pain", {"fever_or_cancer": True}, "10:00", "same_day", "doctor", BACK),
    V("back pain at the emergency department", 35, "emergency_department", "back_pain", {}, "10:00", "within_3_days", "physiotherapist", BACK),
    V("twisted ankle, cannot bear weight", 25, "walk_in", "joint_injury", {"cannot_bear_weight": True, "location": "ankle_foot"}, "10:00", "within_hours", "doctor", OTTAWA),
    V("minor ankle sprain", 30, "web", "joint_injury", {"cannot_bear_weight": False, "bone_tenderness": False, "days": 1}, "10:00", "self_care", "physiotherapist", OTTAWA),
    V("deformed wrist after a fall", 22, "phone_1177", "joint_injury", {"deformity_or_open": True}, "10:00", "emergency_now", "doctor", OTTAWA),
    V("swollen knee after football", 28, "web", "joint_injury", {"location": "knee", "swelling": True, "cannot_bear_weight": False, "bone_tenderness": False, "days": 2}, "10:00", "within_3_days", "physiotherapist", OTTAWA),
    V("toddler with fever and non-blanching spots", 2, "phone_1177", "rash", {"non_blanching_fever": True}, "03:00", "call_112", "doctor", SKIN),
    V("red, warm, spreading leg skin", 55, "phone_unit", "rash", {"spreading_red_warm": True}, "10:00", "same_day", "doctor", SKIN),
    V("mild itchy rash, no fever", 30, "web", "rash", {"fever": False, "spreading_red_warm": False, "days": 3}, "10:00", "self_care", "nurse", SKIN),
    V("gaping cut, office hours", 40, "reception", "wound", {"gaping": True, "bite": False}, "11:00", "within_hours", "district_nurse", WOUND),
    V("gaping cut, late evening", 40, "phone_1177", "wound", {"gaping": True}, "23:00", "within_hours", "doctor", WOUND),
    V("dog bite", 9, "phone_unit", "wound", {"bite": True}, "14:00", "same_day", "doctor", WOUND),
    V("bleeding that will not stop", 50, "phone_1177", "wound", {"heavy_bleeding": True}, "10:00", "call_112", "doctor", WOUND),
    V("leg ulcer not healing", 78, "phone_unit", "wound", {"chronic": True}, "10:00", "within_3_days", "district_nurse", WOUND),
    V("thunderclap headache", 45, "phone_1177", "headache", {"thunderclap": True}, "10:00", "call_112", "doctor", HEAD),
    V("new kind of headache at 62", 62, "phone_unit", "headache", {"new_type_over_50": True}, "10:00", "same_day", "doctor", HEAD),
    V("usual migraine, usual pills help", 30, "web", "headache", {"known_type": True, "pain_relief_works": True, "days": 1}, "10:00", "self_care", "nurse", HEAD),
    V("headache, fever and stiff neck", 35, "phone_1177", "headache", {"fever_stiff_neck": True}, "10:00", "emergency_now", "doctor", HEAD),
    V("dizzy with a drooping mouth", 70, "phone_1177", "dizziness", {"stroke_signs": True}, "10:00", "call_112", "doctor", DIZZY),
    V("dizzy when turning in bed", 55, "web", "dizziness", {"positional": True}, "10:00", "within_3_days", "physiotherapist", DIZZY),
    V("fainted while running", 40, "phone_unit", "dizziness", {"faint_exertion_chest": True}, "10:00", "emergency_now", "doctor", DIZZY),
    V("chest pain now, no other signs", 58, "phone_1177", "chest_pain", {"last_pain": "now", "breathless": False, "sweating": False, "radiating": False, "pressure_15_minutes": False}, "10:00", "emergency_now", "doctor", CG95),
    V("chest pain spreading to the jaw", 60, "phone_1177", "chest_pain", {"radiating": True}, "10:00", "call_112", "doctor", CG95),
    V("chest pain two days ago", 50, "phone_unit", "chest_pain", {"last_pain": "last_3_days", "breathless": False, "sweating": False, "radiating": False}, "10:00", "same_day", "doctor", CG95),
    V("chest pain this morning, gone now", 45, "phone_unit", "chest_pain", {"last_pain": "last_24h", "breathless": False, "sweating": False, "radiating": False}, "10:00", "within_hours", "doctor", CG95),
    V("cannot finish sentences", 65, "phone_1177", "shortness_of_breath", {"severe": True}, "10:00", "call_112", "doctor", BREATH),
    V("child with stridor", 3, "phone_1177", "shortness_of_breath", {"stridor_child": True}, "02:00", "emergency_now", "doctor", BREATH),
    V("asthma, inhaler still helps", 40, "web", "shortness_of_breath", {"known_asthma_copd": True, "inhaler_helps": True, "at_rest": False}, "10:00", "within_3_days", "nurse", BREATH),
    V("suicidal thoughts with a plan", 24, "web", "low_mood", {"suicide_plan": True}, "23:30", "emergency_now", "doctor", MIND),
    V("thoughts of not wanting to live, no plan", 35, "phone_unit", "low_mood", {"suicide_thoughts": True, "suicide_plan": False}, "10:00", "same_day", "doctor", MIND),
    V("low mood for six weeks, struggling at work", 30, "web", "low_mood", {"daily_function": "struggling", "weeks": 6, "suicide_thoughts": False}, "10:00", "within_3_days", "psychologist", MIND),
    V("panic attacks", 28, "web", "anxiety", {"panic_attacks": True, "daily_function": "managing"}, "10:00", "within_3_days", "psychologist", MIND),
    V("a few weeks of poor sleep", 45, "web", "sleep_problems", {"weeks": 2, "falls_asleep_driving": False, "apnoea": False}, "10:00", "self_care", "nurse", SLEEP),
    V("partner sees breathing pauses at night", 55, "web", "sleep_problems", {"apnoea": True}, "10:00", "within_3_days", "doctor", SLEEP),
    V("blood pressure control of known hypertension", 60, "web", "blood_pressure", {"purpose": "known_follow_up", "systolic": 135}, "10:00", "planned", "district_nurse", CHRONIC),
    V("home reading 185 mmHg, no symptoms", 50, "phone_unit", "blood_pressure", {"systolic": 185, "very_high_with_symptoms": False}, "10:00", "same_day", "doctor", CHRONIC),
    V("annual diabetes control", 66, "web", "diabetes_follow_up", {"purpose": "annual_control"}, "10:00", "planned", "nurse", CHRONIC),
    V("diabetic foot wound", 58, "phone_unit", "diabetes_follow_up", {"foot_wound": True}, "10:00", "same_day", "doctor", CHRONIC),
    V("prescription renewal in the e-service", 70, "e_service", "medicine_renewal", {}, "10:00", "planned", "doctor", ADMIN),
    V("out of insulin", 55, "phone_unit", "medicine_renewal", {"out_of_critical": True}, "10:00", "same_day", "doctor", ADMIN),
    V("sick note from day 8", 40, "phone_unit", "certificate", {"kind": "sick_leave", "sick_days": 10}, "10:00", "within_3_days", "doctor", ADMIN),
    V("sick note after 3 days", 40, "web", "certificate", {"kind": "sick_leave", "sick_days": 3}, "10:00", "self_care", "doctor", ADMIN),
    V("newly pregnant, wants to enrol", 29, "web", "pregnancy", {"purpose": "new_pregnancy"}, "10:00", "planned", "midwife", PREG),
    V("baby moving less in week 34", 32, "phone_1177", "pregnancy", {"reduced_movements": True}, "21:00", "within_hours", "midwife", PREG),
    V("headache and flickering vision in pregnancy", 34, "phone_unit", "pregnancy", {"preeclampsia_signs": True}, "10:00", "emergency_now", "midwife", PREG),
    V("red eye in a contact lens wearer", 30, "web", "red_eye", {"contact_lenses": True}, "10:00", "same_day", "doctor", EYE),
    V("sticky eye in a child", 8, "web", "red_eye", {"discharge": True, "contact_lenses": False, "light_sensitive": False, "days": 2}, "10:00", "self_care", "nurse", EYE),
    V("painful red eye with halos", 60, "phone_1177", "red_eye", {"severe_pain_halos": True}, "10:00", "emergency_now", "doctor", EYE),
    V("hay fever, antihistamines help", 25, "web", "allergy", {"trigger": "pollen", "otc_helps": True}, "10:00", "self_care", "nurse", ALLERGY),
    V("swollen lips after peanuts", 35, "phone_1177", "allergy", {"anaphylaxis": True, "trigger": "food"}, "10:00", "call_112", "doctor", ALLERGY),
    V("feverish baby under three months", 0, "phone_1177", "fever_child", {"infant_under_3_months": True}, "04:00", "emergency_now", "doctor", NG143),
    V("three-year-old with fever for two days, drinking", 3, "web", "fever_child", {"fever_days": 2, "not_drinking": False, "breathing_hard": False, "lethargic": False}, "10:00", "self_care", "nurse", NG143),
    V("two-year-old with fever for five days", 2, "phone_unit", "fever_child", {"fever_days": 5, "not_drinking": False}, "10:00", "same_day", "doctor", NG143),
    V("one-year-old not drinking, evening", 1, "phone_1177", "fever_child", {"not_drinking": True}, "20:00", "within_hours", "doctor", NG143),
    V("expanding ring after a tick bite", 45, "web", "tick_bite", {"spreading_redness": True}, "10:00", "within_3_days", "nurse", OTHER),
    V("one swollen painful calf", 55, "phone_unit", "leg_swelling", {"one_leg_painful": True}, "10:00", "within_hours", "doctor", OTHER),
    V("nosebleed that stopped", 12, "web", "nosebleed", {"not_stopping": False, "blood_thinners": False, "recurrent": False}, "10:00", "self_care", "nurse", OTHER),
    V("burn with blisters on a toddler", 1, "phone_1177", "burn", {"blisters": True, "large_or_special_area": False}, "10:00", "same_day", "nurse", OTHER),
    V("sudden confusion in an older man", 78, "phone_unit", "memory_problems", {"sudden_confusion": True}, "10:00", "within_hours", "doctor", OTHER),
    V("known stable knee osteoarthritis", 65, "web", "joint_pain", {"known_osteoarthritis": True, "clearly_worse": False}, "10:00", "planned", "physiotherapist", OTHER),
    V("needs a walker after a hip operation", 82, "phone_unit", "daily_living", {"need": "aids", "managing_at_home": True}, "10:00", "within_3_days", "occupational_therapist", OTHER),
    V("emergency pill two days after", 19, "web", "contraception", {"unprotected_days": 2}, "10:00", "self_care", "midwife", OTHER),
]


def test_there_are_at_least_sixty_vignettes_over_thirty_reasons():
    assert len(VIGNETTES) >= 60
    assert len({v.reason for v in VIGNETTES}) >= 30


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[f"{v.reason}: {v.label}" for v in VIGNETTES])
def test_vignette(vignette: Vignette):
    hour, minute = map(int, vignette.time.split(":"))
    at = datetime(2026, 3, 10, hour, minute, tzinfo=STOCKHOLM)
    decision = evaluate(GUIDELINES, vignette.reason, vignette.answers, vignette.age, vignette.channel, at)
    explained = f"{[f.rule_id for f in decision.rules_fired]} (source: {vignette.source})"
    assert (decision.care_level, decision.profession) == (vignette.care_level, vignette.profession), explained
