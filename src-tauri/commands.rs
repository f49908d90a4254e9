//! IPC commands: each one forwards to the core `Workstation` on a blocking thread (SQLite
//! and Argon2 must not run on the async runtime) and maps errors once, via `ErrorReport`.

use raksa_core::casework::{ApprovalRequest, CaseDetail, NewAssistance, NewHomeVisit};
use raksa_core::correction::{CorrectionOutcome, CorrectionRecord, PersonCorrection};
use raksa_core::deadlines::{DeadlineRule, WorkList};
use raksa_core::fact_finding::{AttachmentContent, AttachmentInfo, FactFinding};
use raksa_core::form::{Answers, FormDefinition};
use raksa_core::household::{EndMembership, Household, NewMembership};
use raksa_core::import::{ImportDecision, ImportPreview, ImportRefusal, ImportResult};
use raksa_core::merge::{MergeDetail, MergeRecord};
use raksa_core::model::Uuid;
use raksa_core::model::*;
use raksa_core::numbering::NumberBlock;
use raksa_core::places::PlaceMatch;
use raksa_core::plan::{NewPlanItem, PlanItem, PlanItemUpdate};
use raksa_core::referral::{
    Agency, LetterSettings, LetterText, NewAgency, NewReferral, Referral, ReferralChange,
    RegisterEntry,
};
use raksa_core::report::{CaseFilter, Dashboard, ReportView};
use raksa_core::welfare::{NewWelfareRule, Scheme, ScreeningFacts, WelfareRule, WelfareScreening};
use raksa_core::workstation::{AppStatus, SetupResult, Workstation};
use raksa_core::{CoreError, ErrorReport};
use tauri::State;
use uuid_str::parse_id;

use crate::AppState;

type Reply<T> = Result<T, ErrorReport>;

pub fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    tauri::generate_handler![
        app_status,
        set_up_office,
        unlock,
        reset_password,
        lock,
        activity,
        search_cases,
        search_people,
        possible_duplicates,
        record_duplicate_decision,
        register_person,
        get_person,
        open_case,
        list_users,
        add_user,
        set_user_active,
        change_password,
        get_settings,
        update_settings,
        audit_log,
        get_case,
        change_stage,
        request_approval,
        decide_approval,
        reopen_case,
        assign_case,
        add_note,
        add_home_visit,
        add_assistance,
        add_correction,
        work_list,
        deadline_rules,
        set_deadline_rule,
        search_places,
        fact_finding,
        save_fact_finding,
        submit_fact_finding,
        reopen_fact_finding,
        add_attachment,
        get_attachment,
        remove_attachment,
        person_household,
        create_household,
        add_household_member,
        end_household_membership,
        set_case_household,
        add_plan_item,
        update_plan_item,
        install_form_definition,
        place_children,
        agencies,
        add_agency,
        update_agency,
        letter_settings,
        set_letter_settings,
        set_emblem,
        letter_template,
        set_letter_template,
        create_referral,
        update_referral_draft,
        send_referral,
        change_referral,
        case_referrals,
        letter_register,
        number_blocks,
        set_number_block,
        open_referral_letter,
        print_referral_letter,
        save_referral_letter,
        sync_status,
        enrol_device,
        sync_now,
        incoming_referrals,
        reply_to_referral,
        help_requests,
        help_requests_waiting,
        accept_help_request,
        pass_on_help_request,
        close_help_request,
        expedite_notices_of_case,
        open_expedite_notices,
        answer_expedite_notice,
        volunteers,
        register_volunteer,
        new_volunteer_code,
        set_volunteer_active,
        resolve_conflict,
        import_preview,
        import_commit,
        dashboard,
        dashboard_cases,
        period_report,
        save_period_report,
        welfare_rules,
        add_welfare_rule,
        welfare_facts,
        screen_welfare,
        refer_for_right,
        correct_person,
        person_corrections,
        merge_people,
        undo_merge,
        person_merges,
        save_person_export,
        saved_files,
        delete_saved_file,
        break_glass,
        set_case_sensitive,
        recent_openings,
        crate::update::update_status,
        crate::update::download_update,
        crate::update::install_update,
    ]
}

pub(crate) async fn on_workstation<T: Send + 'static>(
    state: State<'_, AppState>,
    f: impl FnOnce(&mut Workstation) -> raksa_core::Result<T> + Send + 'static,
) -> Reply<T> {
    let ws = state.0.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let mut w = ws.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut w).map_err(|e| ErrorReport::from(&e))
    })
    .await
    .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))?
}

/// Runs `f` on the unlocked session with a record id from the UI (a bad id is "not found").
async fn on_record<T: Send + 'static>(
    state: State<'_, AppState>,
    id: String,
    f: impl FnOnce(&mut raksa_core::Session, Uuid) -> raksa_core::Result<T> + Send + 'static,
) -> Reply<T> {
    on_workstation(state, move |w| {
        let id = parse_id(&id)?;
        w.with_session(|s| f(s, id))
    })
    .await
}

#[tauri::command]
async fn app_status(state: State<'_, AppState>) -> Reply<AppStatus> {
    on_workstation(state, |w| Ok(w.status())).await
}

#[tauri::command]
async fn set_up_office(
    state: State<'_, AppState>,
    setup: OfficeSetup,
    admin: NewUser,
) -> Reply<SetupResult> {
    on_workstation(state, move |w| w.set_up(&setup, &admin)).await
}

#[tauri::command]
async fn unlock(
    state: State<'_, AppState>,
    username: String,
    password: String,
) -> Reply<AppStatus> {
    let waker = state.1.clone();
    let r = on_workstation(state, move |w| w.unlock(&username, &password)).await;
    if r.is_ok() {
        waker.wake();
    }
    r
}

#[tauri::command]
async fn reset_password(
    state: State<'_, AppState>,
    recovery_key: String,
    username: String,
    new_password: String,
) -> Reply<AppStatus> {
    on_workstation(state, move |w| {
        w.reset_password(&recovery_key, &username, &new_password)
    })
    .await
}

#[tauri::command]
async fn lock(state: State<'_, AppState>) -> Reply<AppStatus> {
    on_workstation(state, |w| {
        w.lock();
        crate::print::sweep();
        Ok(w.status())
    })
    .await
}

/// The user typed or clicked: postpones the idle lock.
#[tauri::command]
async fn activity(state: State<'_, AppState>) -> Reply<bool> {
    on_workstation(state, |w| {
        let locked = w.lock_if_idle();
        w.touch();
        Ok(!locked && w.status().unlocked)
    })
    .await
}

#[tauri::command]
async fn search_cases(state: State<'_, AppState>, query: String) -> Reply<Vec<CaseSummary>> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.search_cases(&query, 200))
    })
    .await
}

#[tauri::command]
async fn search_people(state: State<'_, AppState>, query: String) -> Reply<Vec<PersonSummary>> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.search_people(&query, 50))
    })
    .await
}

#[tauri::command]
async fn possible_duplicates(
    state: State<'_, AppState>,
    probe: raksa_core::duplicates::PersonProbe,
) -> Reply<Vec<raksa_core::duplicates::DuplicateCandidate>> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.possible_duplicates(&probe))
    })
    .await
}

#[tauri::command]
async fn record_duplicate_decision(
    state: State<'_, AppState>,
    chosen: String,
    linked_existing: bool,
    shown: Vec<String>,
) -> Reply<()> {
    on_workstation(state, move |w| {
        let chosen = parse_id(&chosen)?;
        let shown = shown
            .iter()
            .map(|s| parse_id(s))
            .collect::<Result<Vec<_>, _>>()?;
        w.with_session(|s| s.record_duplicate_decision(chosen, linked_existing, &shown))
    })
    .await
}

#[tauri::command]
async fn register_person(state: State<'_, AppState>, person: NewPerson) -> Reply<Person> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.register_person(&person))
    })
    .await
}

#[tauri::command]
async fn get_person(state: State<'_, AppState>, id: String) -> Reply<PersonDetail> {
    on_record(state, id, move |s, id| s.get_person(id)).await
}

#[tauri::command]
async fn open_case(state: State<'_, AppState>, case: NewCase) -> Reply<CaseSummary> {
    on_workstation(state, move |w| w.with_session(|s| s.open_case(&case))).await
}

#[tauri::command]
async fn list_users(state: State<'_, AppState>) -> Reply<Vec<UserInfo>> {
    on_workstation(state, |w| w.with_session(|s| s.list_users())).await
}

#[tauri::command]
async fn add_user(state: State<'_, AppState>, user: NewUser) -> Reply<UserInfo> {
    on_workstation(state, move |w| w.with_session(|s| s.add_user(&user))).await
}

#[tauri::command]
async fn set_user_active(
    state: State<'_, AppState>,
    user_id: String,
    active: bool,
    password: Option<String>,
) -> Reply<raksa_core::session::RekeyReport> {
    on_workstation(state, move |w| {
        let id = parse_id(&user_id)?;
        w.with_session(|s| s.set_user_active(id, active, password.as_deref()))
    })
    .await
}

#[tauri::command]
async fn change_password(
    state: State<'_, AppState>,
    current: String,
    new_password: String,
) -> Reply<()> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.change_password(&current, &new_password))
    })
    .await
}

#[tauri::command]
async fn get_settings(state: State<'_, AppState>) -> Reply<OfficeSettings> {
    on_workstation(state, |w| w.with_session(|s| s.settings())).await
}

#[tauri::command]
async fn update_settings(
    state: State<'_, AppState>,
    settings: OfficeSettings,
) -> Reply<OfficeSettings> {
    on_workstation(state, move |w| w.update_settings(&settings)).await
}

#[tauri::command]
async fn audit_log(state: State<'_, AppState>) -> Reply<Vec<AuditEntry>> {
    on_workstation(state, |w| w.with_session(|s| s.audit_entries(500))).await
}

#[tauri::command]
async fn get_case(state: State<'_, AppState>, id: String) -> Reply<CaseDetail> {
    on_record(state, id, move |s, id| s.get_case(id)).await
}

#[tauri::command]
async fn change_stage(
    state: State<'_, AppState>,
    id: String,
    to: CaseStatus,
    reason: String,
) -> Reply<()> {
    on_record(state, id, move |s, id| s.change_stage(id, to, &reason)).await
}

#[tauri::command]
async fn request_approval(
    state: State<'_, AppState>,
    id: String,
    request: ApprovalRequest,
) -> Reply<()> {
    on_record(state, id, move |s, id| s.request_approval(id, &request)).await
}

#[tauri::command]
async fn decide_approval(
    state: State<'_, AppState>,
    id: String,
    approve: bool,
    comment: String,
) -> Reply<()> {
    on_record(state, id, move |s, id| {
        s.decide_approval(id, approve, &comment)
    })
    .await
}

#[tauri::command]
async fn reopen_case(state: State<'_, AppState>, id: String, reason: String) -> Reply<()> {
    on_record(state, id, move |s, id| s.reopen_case(id, &reason)).await
}

#[tauri::command]
async fn assign_case(state: State<'_, AppState>, id: String, user_id: String) -> Reply<()> {
    on_workstation(state, move |w| {
        let (id, user) = (parse_id(&id)?, parse_id(&user_id)?);
        w.with_session(|s| s.assign_case(id, user))
    })
    .await
}

#[tauri::command]
async fn add_note(state: State<'_, AppState>, id: String, text: String) -> Reply<String> {
    on_record(state, id, move |s, id| s.add_note(id, &text)).await
}

#[tauri::command]
async fn add_home_visit(
    state: State<'_, AppState>,
    id: String,
    visit: NewHomeVisit,
) -> Reply<String> {
    on_record(state, id, move |s, id| s.add_home_visit(id, &visit)).await
}

#[tauri::command]
async fn add_assistance(
    state: State<'_, AppState>,
    id: String,
    assistance: NewAssistance,
) -> Reply<String> {
    on_record(state, id, move |s, id| s.add_assistance(id, &assistance)).await
}

#[tauri::command]
async fn add_correction(
    state: State<'_, AppState>,
    id: String,
    corrects: String,
    text: String,
) -> Reply<String> {
    on_record(state, id, move |s, id| {
        s.add_correction(id, &corrects, &text)
    })
    .await
}

#[tauri::command]
async fn work_list(state: State<'_, AppState>, mine: bool) -> Reply<WorkList> {
    on_workstation(state, move |w| w.with_session(|s| s.work_list(mine))).await
}

#[tauri::command]
async fn deadline_rules(state: State<'_, AppState>) -> Reply<Vec<DeadlineRule>> {
    on_workstation(state, |w| w.with_session(|s| s.deadline_rules())).await
}

#[tauri::command]
async fn set_deadline_rule(state: State<'_, AppState>, rule: DeadlineRule) -> Reply<()> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.set_deadline_rule(&rule))
    })
    .await
}

#[tauri::command]
async fn fact_finding(state: State<'_, AppState>, id: String) -> Reply<FactFinding> {
    on_record(state, id, |s, id| s.fact_finding(id)).await
}

#[tauri::command]
async fn save_fact_finding(
    state: State<'_, AppState>,
    id: String,
    answers: Answers,
) -> Reply<FactFinding> {
    on_record(state, id, move |s, id| {
        s.save_fact_finding_draft(id, &answers)
    })
    .await
}

#[tauri::command]
async fn submit_fact_finding(state: State<'_, AppState>, id: String) -> Reply<FactFinding> {
    on_record(state, id, |s, id| s.submit_fact_finding(id)).await
}

#[tauri::command]
async fn reopen_fact_finding(
    state: State<'_, AppState>,
    id: String,
    reason: String,
) -> Reply<FactFinding> {
    on_record(state, id, move |s, id| s.reopen_fact_finding(id, &reason)).await
}

#[tauri::command]
async fn add_attachment(
    state: State<'_, AppState>,
    id: String,
    field_key: String,
    file_name: String,
    data_base64: String,
) -> Reply<AttachmentInfo> {
    on_record(state, id, move |s, id| {
        s.add_attachment_base64(id, &field_key, &file_name, &data_base64)
    })
    .await
}

#[tauri::command]
async fn get_attachment(state: State<'_, AppState>, id: String) -> Reply<AttachmentContent> {
    on_record(state, id, |s, id| s.attachment(id)).await
}

#[tauri::command]
async fn remove_attachment(state: State<'_, AppState>, id: String, reason: String) -> Reply<()> {
    on_record(state, id, move |s, id| s.remove_attachment(id, &reason)).await
}

#[tauri::command]
async fn person_household(state: State<'_, AppState>, id: String) -> Reply<Option<Household>> {
    on_record(state, id, |s, id| s.person_household(id)).await
}

#[tauri::command]
async fn create_household(
    state: State<'_, AppState>,
    id: String,
    house_code: String,
    joined_on: chrono::NaiveDate,
) -> Reply<Household> {
    on_record(state, id, move |s, id| {
        s.create_household(id, &house_code, joined_on)
    })
    .await
}

#[tauri::command]
async fn add_household_member(
    state: State<'_, AppState>,
    id: String,
    member: NewMembership,
) -> Reply<Household> {
    on_record(state, id, move |s, id| s.add_household_member(id, &member)).await
}

#[tauri::command]
async fn end_household_membership(
    state: State<'_, AppState>,
    end: EndMembership,
) -> Reply<Household> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.end_household_membership(&end))
    })
    .await
}

#[tauri::command]
async fn set_case_household(state: State<'_, AppState>, id: String, whole: bool) -> Reply<()> {
    on_record(state, id, move |s, id| s.set_case_household(id, whole)).await
}

#[tauri::command]
async fn add_plan_item(
    state: State<'_, AppState>,
    id: String,
    item: NewPlanItem,
) -> Reply<PlanItem> {
    on_record(state, id, move |s, id| s.add_plan_item(id, &item)).await
}

#[tauri::command]
async fn update_plan_item(
    state: State<'_, AppState>,
    id: String,
    update: PlanItemUpdate,
) -> Reply<()> {
    on_record(state, id, move |s, id| s.update_plan_item(id, &update)).await
}

#[tauri::command]
async fn install_form_definition(
    state: State<'_, AppState>,
    json: String,
) -> Reply<FormDefinition> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.install_form_definition(&json))
    })
    .await
}

/// Place look-up needs no session: the list is public reference data.
#[tauri::command]
async fn search_places(query: String) -> Reply<Vec<PlaceMatch>> {
    tauri::async_runtime::spawn_blocking(move || raksa_core::places::places().search(&query, 30))
        .await
        .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))
}

#[tauri::command]
async fn agencies(state: State<'_, AppState>, include_inactive: bool) -> Reply<Vec<Agency>> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.agencies(include_inactive))
    })
    .await
}

#[tauri::command]
async fn add_agency(state: State<'_, AppState>, agency: NewAgency) -> Reply<Agency> {
    on_workstation(state, move |w| w.with_session(|s| s.add_agency(&agency))).await
}

#[tauri::command]
async fn update_agency(
    state: State<'_, AppState>,
    id: String,
    agency: NewAgency,
    active: bool,
) -> Reply<()> {
    on_record(state, id, move |s, id| s.update_agency(id, &agency, active)).await
}

#[tauri::command]
async fn letter_settings(state: State<'_, AppState>) -> Reply<LetterSettings> {
    on_workstation(state, |w| w.with_session(|s| s.letter_settings())).await
}

#[tauri::command]
async fn set_letter_settings(state: State<'_, AppState>, settings: LetterSettings) -> Reply<()> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.set_letter_settings(&settings))
    })
    .await
}

#[tauri::command]
async fn set_emblem(state: State<'_, AppState>, data_base64: Option<String>) -> Reply<()> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.set_emblem_base64(data_base64.as_deref()))
    })
    .await
}

#[tauri::command]
async fn letter_template(state: State<'_, AppState>) -> Reply<LetterText> {
    on_workstation(state, |w| w.with_session(|s| s.letter_template())).await
}

#[tauri::command]
async fn set_letter_template(state: State<'_, AppState>, template: LetterText) -> Reply<()> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.set_letter_template(&template))
    })
    .await
}

#[tauri::command]
async fn create_referral(
    state: State<'_, AppState>,
    id: String,
    referral: NewReferral,
) -> Reply<Referral> {
    on_record(state, id, move |s, id| s.create_referral(id, &referral)).await
}

#[tauri::command]
async fn update_referral_draft(
    state: State<'_, AppState>,
    id: String,
    referral: NewReferral,
    text: LetterText,
) -> Reply<Referral> {
    on_record(state, id, move |s, id| {
        s.update_referral_draft(id, &referral, &text)
    })
    .await
}

#[tauri::command]
async fn send_referral(
    state: State<'_, AppState>,
    id: String,
    letter_date: chrono::NaiveDate,
) -> Reply<Referral> {
    on_record(state, id, move |s, id| s.send_referral(id, letter_date)).await
}

#[tauri::command]
async fn change_referral(
    state: State<'_, AppState>,
    id: String,
    change: ReferralChange,
) -> Reply<Referral> {
    on_record(state, id, move |s, id| s.change_referral(id, &change)).await
}

#[tauri::command]
async fn case_referrals(state: State<'_, AppState>, id: String) -> Reply<Vec<Referral>> {
    on_record(state, id, |s, id| s.case_referrals(id)).await
}

#[tauri::command]
async fn letter_register(state: State<'_, AppState>, year: i32) -> Reply<Vec<RegisterEntry>> {
    on_workstation(state, move |w| w.with_session(|s| s.letter_register(year))).await
}

#[tauri::command]
async fn number_blocks(state: State<'_, AppState>) -> Reply<Vec<NumberBlock>> {
    on_workstation(state, |w| w.with_session(|s| s.number_blocks())).await
}

#[tauri::command]
async fn set_number_block(state: State<'_, AppState>, block: NumberBlock) -> Reply<()> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.set_number_block(&block))
    })
    .await
}

/// Writes the referral's letter to the print folder and opens it in the system's PDF
/// viewer, from which it is printed. Returns the file's path.
#[tauri::command]
async fn open_referral_letter(state: State<'_, AppState>, id: String) -> Reply<String> {
    let pdf = on_record(state, id.clone(), |s, id| s.referral_letter_pdf(id)).await?;
    tauri::async_runtime::spawn_blocking(move || {
        let path = crate::print::write_and_open(&format!("referral-{id}"), &pdf)?;
        Ok(path.display().to_string())
    })
    .await
    .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))?
    .map_err(|e: CoreError| ErrorReport::from(&e))
}

/// Sends the referral's letter and form to the default printer.
#[tauri::command]
async fn print_referral_letter(state: State<'_, AppState>, id: String) -> Reply<String> {
    let pdf = on_record(state, id.clone(), |s, id| s.referral_letter_pdf(id)).await?;
    tauri::async_runtime::spawn_blocking(move || {
        crate::print::print(&format!("referral-{id}"), &pdf)
    })
    .await
    .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))?
    .map_err(|e| ErrorReport::from(&e))
}

/// Saves the referral's letter and form as a PDF file; returns where.
#[tauri::command]
async fn save_referral_letter(state: State<'_, AppState>, id: String) -> Reply<String> {
    let name = on_record(state.clone(), id.clone(), |s, id| {
        let r = s.referral(id)?;
        Ok(format!(
            "หนังสือส่งต่อ-{}-{}",
            r.case_no,
            r.letter_no.unwrap_or_else(|| "ร่าง".into())
        ))
    })
    .await?;
    let pdf = on_record(state, id, |s, id| s.referral_letter_pdf(id)).await?;
    tauri::async_runtime::spawn_blocking(move || {
        crate::print::save(&name, &pdf).map(|p| p.display().to_string())
    })
    .await
    .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))?
    .map_err(|e| ErrorReport::from(&e))
}

#[tauri::command]
async fn sync_status(state: State<'_, AppState>) -> Reply<raksa_core::sync::SyncStatus> {
    on_workstation(state, |w| w.with_session_quiet(|s| s.sync_status())).await
}

/// Enrols this PC with the central server (administrators): the one-time code is exchanged
/// for the PC's credential, which is kept inside the encrypted database.
#[tauri::command]
async fn enrol_device(
    state: State<'_, AppState>,
    server: String,
    code: String,
    name: String,
) -> Reply<()> {
    let grant = on_workstation(state.clone(), |w| {
        w.with_session(|s| {
            if s.user().role != raksa_core::model::Role::Admin {
                return Err(CoreError::Forbidden);
            }
            Ok(s.admin_key_grant())
        })
    })
    .await?;
    let name = if name.trim().is_empty() {
        "office-pc".to_owned()
    } else {
        name
    };
    let r = raksa_sync::enrol(server.trim(), &code, &name, grant)
        .await
        .map_err(sync_error)?;
    let cfg = raksa_core::sync::SyncConfig {
        server_url: server.trim().to_owned(),
        device_id: r.device_id,
        token: r.token,
        office: r.office,
    };
    let blocks = r.blocks.clone();
    let done = on_workstation(state.clone(), move |w| {
        w.with_session(|s| {
            s.set_sync_config(&cfg)?;
            s.apply_block_grants(&blocks).map(|_| ())
        })
    })
    .await;
    state.1.wake();
    done
}

/// One push-then-pull cycle now.
#[tauri::command]
async fn sync_now(state: State<'_, AppState>) -> Reply<raksa_core::sync::SyncReport> {
    let local = crate::uploader::WsLocal(state.0.clone());
    let r = tauri::async_runtime::spawn_blocking(move || {
        tauri::async_runtime::block_on(raksa_sync::sync_once(&local))
    })
    .await
    .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))?;
    r.map_err(sync_error)
}

fn sync_error(e: raksa_sync::SyncError) -> ErrorReport {
    match e {
        raksa_sync::SyncError::Local(c) => ErrorReport::from(&c),
        other => ErrorReport {
            code: "sync".into(),
            message_th: other.message_th(),
            message_en: other.to_string(),
            fields: Vec::new(),
        },
    }
}

#[tauri::command]
async fn incoming_referrals(
    state: State<'_, AppState>,
) -> Reply<Vec<raksa_core::referral::IncomingReferral>> {
    on_workstation(state, |w| w.with_session(|s| s.incoming_referrals())).await
}

#[tauri::command]
async fn reply_to_referral(
    state: State<'_, AppState>,
    id: String,
    reply: raksa_core::referral::ReferralReply,
) -> Reply<()> {
    let waker = state.1.clone();
    let r = on_record(state, id, move |s, id| s.reply_to_referral(id, &reply)).await;
    waker.wake();
    r
}

#[tauri::command]
async fn help_requests(
    state: State<'_, AppState>,
) -> Reply<Vec<raksa_core::help_requests::HelpRequestItem>> {
    on_workstation(state, |w| w.with_session(|s| s.help_requests())).await
}

/// (waiting, of which urgent): the inbox badge.
#[tauri::command]
async fn help_requests_waiting(state: State<'_, AppState>) -> Reply<(u32, u32)> {
    on_workstation(state, |w| w.with_session(|s| s.help_requests_waiting())).await
}

#[tauri::command]
async fn accept_help_request(
    state: State<'_, AppState>,
    id: String,
    person_id: String,
) -> Reply<CaseSummary> {
    let waker = state.1.clone();
    let r = on_record(state, id, move |s, id| {
        let person = parse_id(&person_id)?;
        s.accept_help_request(id, person)
    })
    .await;
    waker.wake();
    r
}

#[tauri::command]
async fn pass_on_help_request(
    state: State<'_, AppState>,
    id: String,
    office: String,
    reason: String,
) -> Reply<()> {
    let waker = state.1.clone();
    let r = on_record(state, id, move |s, id| {
        s.pass_on_help_request(id, &office, &reason)
    })
    .await;
    waker.wake();
    r
}

#[tauri::command]
async fn close_help_request(state: State<'_, AppState>, id: String, reason: String) -> Reply<()> {
    let waker = state.1.clone();
    let r = on_record(state, id, move |s, id| s.close_help_request(id, &reason)).await;
    waker.wake();
    r
}

#[tauri::command]
async fn expedite_notices_of_case(
    state: State<'_, AppState>,
    id: String,
) -> Reply<Vec<raksa_core::expedite::ExpediteNotice>> {
    on_record(state, id, |s, id| s.expedite_notices_of_case(id)).await
}

#[tauri::command]
async fn open_expedite_notices(
    state: State<'_, AppState>,
) -> Reply<Vec<raksa_core::expedite::ExpediteNotice>> {
    on_workstation(state, |w| w.with_session(|s| s.open_expedite_notices())).await
}

#[tauri::command]
async fn answer_expedite_notice(
    state: State<'_, AppState>,
    id: String,
    answer: String,
    new_date: Option<String>,
) -> Reply<()> {
    let waker = state.1.clone();
    let r = on_record(state, id, move |s, id| {
        let date = match new_date.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => Some(
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                    raksa_core::CoreError::field("new_date", raksa_core::FieldProblem::DateInvalid)
                })?,
            ),
            None => None,
        };
        s.answer_expedite_notice(id, &answer, date)
    })
    .await;
    waker.wake();
    r
}

#[tauri::command]
async fn volunteers(state: State<'_, AppState>) -> Reply<Vec<raksa_core::volunteers::Volunteer>> {
    on_workstation(state, |w| w.with_session(|s| s.volunteers())).await
}

#[tauri::command]
async fn register_volunteer(
    state: State<'_, AppState>,
    volunteer: raksa_core::volunteers::NewVolunteer,
) -> Reply<raksa_core::volunteers::VolunteerCode> {
    let waker = state.1.clone();
    let r = on_workstation(state, move |w| {
        w.with_session(|s| s.register_volunteer(&volunteer))
    })
    .await;
    waker.wake();
    r
}

#[tauri::command]
async fn new_volunteer_code(
    state: State<'_, AppState>,
    id: String,
) -> Reply<raksa_core::volunteers::VolunteerCode> {
    let waker = state.1.clone();
    let r = on_record(state, id, |s, id| s.new_volunteer_code(id)).await;
    waker.wake();
    r
}

#[tauri::command]
async fn set_volunteer_active(state: State<'_, AppState>, id: String, active: bool) -> Reply<()> {
    let waker = state.1.clone();
    let r = on_record(state, id, move |s, id| s.set_volunteer_active(id, active)).await;
    waker.wake();
    r
}

/// A supervisor settles a sync conflict (keep this PC's values or the server's).
#[tauri::command]
async fn resolve_conflict(state: State<'_, AppState>, issue_id: i64, keep_mine: bool) -> Reply<()> {
    let waker = state.1.clone();
    let r = on_workstation(state, move |w| {
        w.with_session(|s| s.resolve_conflict(issue_id, keep_mine))
    })
    .await;
    waker.wake();
    r
}

/// The next list of the cascading address picker (public reference data, no session).
#[tauri::command]
async fn place_children(code: String) -> Reply<Vec<raksa_core::places::Place>> {
    tauri::async_runtime::spawn_blocking(move || {
        raksa_core::places::places()
            .children(&code)
            .into_iter()
            .cloned()
            .collect()
    })
    .await
    .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))
}

mod uuid_str {
    use raksa_core::CoreError;

    pub fn parse_id(s: &str) -> Result<raksa_core::model::Uuid, CoreError> {
        raksa_core::model::Uuid::parse_str(s).map_err(|_| CoreError::NotFound)
    }
}

fn upload(data_base64: &str) -> raksa_core::Result<Vec<u8>> {
    raksa_core::table::decode_upload(data_base64)
        .map_err(|p| CoreError::Import(ImportRefusal::File(p)))
}

#[tauri::command]
async fn import_preview(state: State<'_, AppState>, data_base64: String) -> Reply<ImportPreview> {
    on_workstation(state, move |w| {
        let bytes = upload(&data_base64)?;
        w.with_session(|s| s.import_preview(&bytes))
    })
    .await
}

#[tauri::command]
async fn import_commit(
    state: State<'_, AppState>,
    data_base64: String,
    decisions: Vec<ImportDecision>,
) -> Reply<ImportResult> {
    on_workstation(state, move |w| {
        let bytes = upload(&data_base64)?;
        w.with_session(|s| s.import_commit(&bytes, &decisions))
    })
    .await
}

#[tauri::command]
async fn dashboard(state: State<'_, AppState>) -> Reply<Dashboard> {
    on_workstation(state, |w| w.with_session(|s| s.dashboard())).await
}

#[tauri::command]
async fn dashboard_cases(
    state: State<'_, AppState>,
    filter: CaseFilter,
) -> Reply<Vec<CaseSummary>> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.dashboard_cases(&filter))
    })
    .await
}

#[tauri::command]
async fn period_report(
    state: State<'_, AppState>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Reply<ReportView> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.period_report(from, to))
    })
    .await
}

/// Saves the period report as .xlsx or .csv in the documents folder; returns where.
#[tauri::command]
async fn save_period_report(
    state: State<'_, AppState>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    format: String,
) -> Reply<String> {
    let csv = format == "csv";
    let bytes = on_workstation(state, move |w| {
        w.with_session(|s| {
            if csv {
                s.period_report_csv(from, to)
            } else {
                s.period_report_xlsx(from, to)
            }
        })
    })
    .await?;
    let name = format!("รายงาน-{}-{}", from.format("%Y%m%d"), to.format("%Y%m%d"));
    tauri::async_runtime::spawn_blocking(move || {
        crate::print::save_as(&name, if csv { "csv" } else { "xlsx" }, &bytes)
            .map(|p| p.display().to_string())
    })
    .await
    .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))?
    .map_err(|e| ErrorReport::from(&e))
}

#[tauri::command]
async fn welfare_rules(state: State<'_, AppState>) -> Reply<Vec<WelfareRule>> {
    on_workstation(state, |w| w.with_session(|s| s.welfare_rules())).await
}

#[tauri::command]
async fn add_welfare_rule(state: State<'_, AppState>, rule: NewWelfareRule) -> Reply<WelfareRule> {
    on_workstation(state, move |w| {
        w.with_session(|s| s.add_welfare_rule(&rule))
    })
    .await
}

#[tauri::command]
async fn welfare_facts(state: State<'_, AppState>, id: String) -> Reply<ScreeningFacts> {
    on_record(state, id, |s, id| s.welfare_facts(id)).await
}

#[tauri::command]
async fn screen_welfare(
    state: State<'_, AppState>,
    id: String,
    facts: ScreeningFacts,
) -> Reply<WelfareScreening> {
    on_record(state, id, move |s, id| s.screen_welfare(id, &facts)).await
}

#[tauri::command]
async fn refer_for_right(
    state: State<'_, AppState>,
    id: String,
    scheme: Scheme,
    agency_id: String,
) -> Reply<Referral> {
    on_record(state, id, move |s, id| {
        let agency = parse_id(&agency_id)?;
        s.refer_for_right(id, scheme, agency)
    })
    .await
}

#[tauri::command]
async fn correct_person(
    state: State<'_, AppState>,
    id: String,
    correction: PersonCorrection,
) -> Reply<CorrectionOutcome> {
    on_record(state, id, move |s, id| s.correct_person(id, &correction)).await
}

#[tauri::command]
async fn person_corrections(
    state: State<'_, AppState>,
    id: String,
) -> Reply<Vec<CorrectionRecord>> {
    on_record(state, id, |s, id| s.person_corrections(id)).await
}

/// Opens a sensitive case outside need-to-know with a reason (recorded, audited, shown to
/// the supervisors).
#[tauri::command]
async fn break_glass(state: State<'_, AppState>, id: String, reason: String) -> Reply<()> {
    on_record(state, id, move |s, id| s.break_glass(id, &reason)).await
}

#[tauri::command]
async fn set_case_sensitive(state: State<'_, AppState>, id: String, sensitive: bool) -> Reply<()> {
    on_record(state, id, move |s, id| s.set_case_sensitive(id, sensitive)).await
}

/// Break-the-glass openings of the last 30 days (supervisors and administrators).
#[tauri::command]
async fn recent_openings(
    state: State<'_, AppState>,
) -> Reply<Vec<raksa_core::access::CaseOpening>> {
    on_workstation(state, |w| w.with_session(|s| s.recent_openings())).await
}

/// The private folder's saved letters and exports (the "delete after use" list). File
/// names carry people's names: only while the app is unlocked.
#[tauri::command]
async fn saved_files(state: State<'_, AppState>) -> Reply<raksa_core::office::SavedFiles> {
    on_workstation(state, |w| w.with_session(|_| crate::print::saved_files())).await
}

#[tauri::command]
async fn delete_saved_file(state: State<'_, AppState>, name: String) -> Reply<()> {
    on_workstation(state, move |w| {
        w.with_session(|_| crate::print::delete_saved(&name))
    })
    .await
}

#[tauri::command]
async fn merge_people(
    state: State<'_, AppState>,
    kept: String,
    merged: String,
) -> Reply<MergeDetail> {
    on_record(state, kept, move |s, kept| {
        let merged = parse_id(&merged)?;
        s.merge_people(kept, merged)
    })
    .await
}

#[tauri::command]
async fn undo_merge(state: State<'_, AppState>, audit_seq: i64) -> Reply<MergeDetail> {
    on_workstation(state, move |w| w.with_session(|s| s.undo_merge(audit_seq))).await
}

#[tauri::command]
async fn person_merges(state: State<'_, AppState>, id: String) -> Reply<Vec<MergeRecord>> {
    on_record(state, id, |s, id| s.person_merges(id)).await
}

/// A person's access request: the JSON and the readable PDF saved side by side.
#[tauri::command]
async fn save_person_export(
    state: State<'_, AppState>,
    id: String,
    scope: raksa_core::pdpa::ExportScope,
) -> Reply<Vec<String>> {
    let files = on_record(state, id, move |s, id| s.export_person_files(id, &scope)).await?;
    tauri::async_runtime::spawn_blocking(move || {
        let json = crate::print::save_as(&files.base_name, "json", &files.json)?;
        let pdf = crate::print::save_as(&files.base_name, "pdf", &files.pdf)?;
        Ok::<_, CoreError>(vec![json.display().to_string(), pdf.display().to_string()])
    })
    .await
    .map_err(|_| ErrorReport::from(&CoreError::Corrupt("worker stopped".into())))?
    .map_err(|e| ErrorReport::from(&e))
}
