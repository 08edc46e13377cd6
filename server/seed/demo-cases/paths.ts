/**
 * Case paths: how a case travels from its report to the state it is meant to end in, the way
 * people in a city centre move it — verification or not, a refusal, a duplicate, an escalation to
 * the city, a return and re-dispatch, extensions and parking, a failed check and rework. The odds
 * are picked so every state and side path shows up in the demo; each step goes through
 * `CaseSim.act`, so the table still decides whether it is allowed.
 */
import { verifiesFirst } from '../../../common/channels.ts';
import type { CaseSim } from './case-sim.ts';
import type { Target } from './mix.ts';
import { between, pick, type Rng } from './random.ts';
import { DAY } from './time.ts';
import type { World } from './world.ts';

/** Steps that require a photo pass this; `CaseSim.act` names the demo photo of the case's type instead. */
const PHOTO = ['placeholder'];

/** Drives one case from its report to the target state along a realistic path. */
export function drive(sim: CaseSim, target: Target, w: World, rng: Rng) {
  const c = sim.c;
  const acceptor = sim.centre('acceptor');
  const inspector = sim.centre('inspector');
  const districtLeader = sim.centre('shift_leader');
  const district = sim.centre('dispatcher');
  // Whoever coordinates the case now: the district centre, or the city centre once escalated
  // (its dispatcher and shift leader then decide; checks stay with the district's field staff).
  let dispatcher = district;
  let leader = districtLeader;
  const level = () => {
    const city = sim.c.caseLevel === 'city';
    dispatcher = city ? sim.user('city.dispatcher') : district;
    leader = city ? sim.user('city.shift_leader') : districtLeader;
  };
  const matter = c.matterCode ?? sim.reportMatter;
  const stop = (s: Target) => target === s;

  // 受理 / 核实 / 自处置
  if (stop('reported')) return;
  if (stop('self_disposed') || (stop('closed') && rng() < 0.08)) {
    if (rng() < 0.3) {
      sim.advance('quick');
      sim.must('request_verify', acceptor);
    }
    sim.advance('quick');
    sim.must('self_dispose', inspector, { photos: PHOTO, note: '现场已处理' });
    if (stop('self_disposed')) return;
    sim.advance();
    sim.must('close', leader);
    return;
  }
  // The public's own reports are always verified on site first (the table refuses to accept them
  // blind); the others a quarter of the time. Drawn as before, so the other cases keep their paths.
  const verify = stop('verifying') || rng() < 0.25 || verifiesFirst(c.channel);
  sim.advance('quick');
  if (verify) {
    sim.must('request_verify', acceptor);
    if (stop('verifying')) return;
    sim.advance();
    if (stop('rejected') && rng() < 0.5) {
      sim.must('verify_deny', inspector, { photos: PHOTO }, '现场核实问题不存在');
    } else {
      sim.must('verify_confirm', inspector, { photos: PHOTO, note: '情况属实' });
    }
  } else if (stop('rejected') && rng() < 0.4) {
    sim.must('reject', acceptor, {}, pick(rng, ['重复上报', '不属于城管受理范围', '信息不全无法核实']));
    return;
  } else if (stop('merged')) {
    sim.must('merge_duplicate', acceptor, { targetCaseId: sim.mergeTarget! });
    return;
  } else {
    sim.must('accept_report', acceptor, { matterType: matter });
  }
  if (stop('merged')) {
    sim.advance('quick');
    sim.must('merge_duplicate', acceptor, { targetCaseId: sim.mergeTarget! });
    return;
  }
  if (stop('pending_filing')) return;
  sim.advance();
  if (stop('rejected')) {
    sim.must('reject', leader, {}, pick(rng, ['不符合立案条件', '核实不属实', '属于其他部门职责']));
    return;
  }
  sim.must('file', leader, { matterType: matter, filingConditionId: sim.standard.filingConditionId });
  if (rng() < 0.06) sim.act('mark_important', leader);
  if (stop('pending_dispatch')) return;

  // 派遣
  sim.advance();
  const routed = w.unitOf(matter, c.gridId);
  const escalateNow = stop('escalated') ? rng() < 0.4 : stop('closed') && rng() < 0.01;
  if (escalateNow || !routed) {
    sim.must('escalate', dispatcher, {}, '涉及多个部门，需市级协调');
    if (stop('escalated')) return;
    sim.advance();
    const city = sim.user('city.dispatcher');
    if (rng() < 0.3) sim.must('city_order', city, { unitId: w.cityUnit(null) }, '先处置后定责');
    else sim.must('city_dispatch', city, { unitId: w.cityUnit(null) });
  } else {
    sim.must('dispatch', dispatcher, { unitId: routed.unitId });
    if (stop('voided') && rng() < 0.5) {
      sim.advance('quick');
      sim.must('request_void', dispatcher, {}, '重复立案');
      sim.advance('quick');
      sim.must('approve_void', leader);
      return;
    }
    // 回退 → 改派 or escalation
    const returns = stop('returned') || stop('escalated') || (stop('closed') && rng() < 0.07);
    if (returns) {
      sim.advance('quick');
      if (rng() < 0.4) sim.must('sign', sim.unitHandler());
      sim.advance('quick');
      sim.must('return', sim.unitHandler(), {}, '不属于本单位职责范围');
      if (stop('returned')) return;
      sim.advance('quick');
      if (stop('escalated')) {
        sim.must('escalate', dispatcher, {}, '责任单位有争议，申请市级协调');
        return;
      }
      if (rng() < 0.3) sim.must('refuse_return', dispatcher, {}, '经核实属于该单位职责');
      else sim.must('re_dispatch', dispatcher, { unitId: w.otherUnit(c.districtCode, c.unitId ?? null) });
    }
  }
  if (stop('dispatched')) return;
  sim.advance('quick');
  sim.must('sign', sim.unitHandler());
  if (stop('voided')) {
    level();
    sim.advance('quick');
    // The city centre has no acceptor: its dispatcher asks for a city-level case's voiding.
    const asker = sim.c.caseLevel === 'city' ? dispatcher : acceptor;
    sim.must('request_void', asker, {}, '问题已由其他案件处理');
    sim.advance('quick');
    sim.must('approve_void', leader);
    return;
  }

  level();
  // 延期 / 挂账 (applications refused or approved; some still pending)
  if (stop('parked') || (stop('closed') && rng() < 0.04)) {
    sim.advance('quick');
    if (sim.act('apply_parking', sim.unitHandler(), {}, '需列入年度改造计划，申请挂账')) {
      sim.advance('quick');
      sim.must('approve_parking', dispatcher);
      if (stop('parked')) return;
      sim.t += between(rng, 5, 20) * DAY;
      sim.must('unpark', dispatcher);
    } else if (stop('parked')) {
      return; // overdue: no parking any more; the case stays in progress
    }
  }
  const ext = rng();
  if (ext < 0.12) {
    sim.advance('quick');
    const applied = sim.act(
      'apply_extension',
      sim.unitHandler(),
      { extension: { amount: pick(rng, [4, 8, 16]), unit: 'work_hour' } },
      pick(rng, ['需要协调物业', '材料采购需要时间', '涉及多部门配合']),
    );
    if (applied && !(stop('in_progress') && rng() < 0.4)) {
      sim.advance('quick');
      if (rng() < 0.7) sim.must('approve_extension', dispatcher);
      else sim.must('refuse_extension', dispatcher, {}, '时限充足，请按期处置');
    }
  } else if (ext < 0.16 && stop('in_progress')) {
    sim.advance('quick');
    sim.act('apply_parking', sim.unitHandler(), {}, '需市级资金支持');
  }
  if (rng() < 0.05) sim.act('urge', sim.user('city.supervisor'), {}, '群众反映强烈，请加快处置');
  if (stop('in_progress')) return;

  // 反馈 → 核查 → 结案 (with rework on a failed check)
  const loops = stop('closed') && rng() < 0.06 ? 2 : 1;
  for (let i = 0; i < loops; i++) {
    const last = i === loops - 1;
    if (i > 0) {
      sim.advance('quick');
      sim.must('sign', sim.unitHandler());
    }
    sim.advance();
    sim.must('feed_back', sim.unitHandler(), { photos: PHOTO, note: '已处置完毕' });
    if (stop('fed_back')) return;
    sim.advance('quick');
    sim.must('request_check', acceptor);
    if (stop('checking')) return;
    sim.advance();
    if (!last || stop('check_failed')) {
      sim.must('check_fail', inspector, { photos: PHOTO }, '现场仍有残留，未处置到位');
      if (stop('check_failed')) return;
      sim.advance('quick');
      sim.must('rework', dispatcher, {}, '现场仍有残留，未处置到位；请重新清理');
      continue;
    }
    sim.must('check_pass', inspector, { photos: PHOTO, note: '已处置到位' });
  }
  if (stop('pending_close')) return;
  sim.advance();
  sim.must('close', leader);
}
