/**
 * The incident change feed against the ServiceNow simulator: feed order, keyset paging through a
 * second shared by more changes than a page, no skipped neighbour when an incident is edited
 * mid-scan, and a refusal when the instance did not apply the query as written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ServiceNowClient } from '../../connectors/servicenow/client';
import { ServiceNowApiError } from '../../connectors/servicenow/errors';
import {
  listChangedIncidents, shiftGlideDateTime, type ChangePosition, type IncidentLister,
} from '../../connectors/servicenow/list-changed-incidents';
import { startServiceNowSimulator, type ServiceNowSimulator } from '../simulators/servicenow';

let sn: ServiceNowSimulator;
before(async () => {
  sn = await startServiceNowSimulator();
  sn.addUser({ user_name: 'integration', password: 'pw-integration-1' });
});
after(() => sn.close());

const client = () => new ServiceNowClient(sn.url, { kind: 'basic', username: 'integration', password: 'pw-integration-1' });
const seed = (when: string) => String(sn.createIncident({ short_description: 'x', sys_created_on: when, sys_updated_on: when }).sys_id);

/** Reads the whole feed from `from`, page by page. */
async function readAll(lister: IncidentLister, from: ChangePosition, pageSize: number) {
  const ids: string[] = [];
  let position = from;
  let pages = 0;
  let requests = 0;
  for (;;) {
    const page = await listChangedIncidents(lister, position, pageSize);
    ids.push(...page.incidents.map((i) => i.sysId));
    pages++;
    requests += page.requests;
    position = page.next;
    if (page.exhausted) return { ids, pages, requests, position };
  }
}

describe('ServiceNow change feed', () => {
  it('pages in (sys_updated_on, sys_id) order through a second with more changes than a page', async () => {
    const bulk = Array.from({ length: 7 }, () => seed('2031-01-01 10:00:00')).sort();
    const later = [seed('2031-01-01 10:00:05'), seed('2031-01-01 10:00:09')];
    const before = seed('2031-01-01 09:59:59');
    const { ids, pages } = await readAll(client(), { updatedOn: '2031-01-01 10:00:00' }, 3);
    assert.deepEqual(ids, [...bulk, ...later], 'every change once, in order; nothing before the start');
    assert.equal(pages, 4, 'three full pages, then an empty one that says the feed is exhausted');
    assert.ok(!ids.includes(before));
  });

  it('does not skip a neighbour when an incident is edited between pages', async () => {
    const when = '2020-02-02 08:00:00';
    const rows = Array.from({ length: 6 }, (_, i) => seed(shiftGlideDateTime(when, i)));
    const first = await listChangedIncidents(client(), { updatedOn: when }, 3);
    // An edit moves rows[1] to "now": with offset paging, rows[3] would shift onto page 1 and be skipped.
    sn.updateIncidentAsUser(rows[1]!, { urgency: '2' }, 'abel.tuter');
    const rest = await readAll(client(), first.next, 3);
    const seen = [...first.incidents.map((i) => i.sysId), ...rest.ids];
    for (const id of rows) assert.ok(seen.includes(id), `${id} was read`);
    assert.equal(seen.filter((id) => id === rows[1]).length, 2, 'the edited incident is read again as a new change');
  });

  it('asks only for what it needs, without a count over the table', async () => {
    const seen: Array<{ sysparmQuery: string; limit: number; offset: number; fields: string[] }> = [];
    const recorder: IncidentLister = { listIncidents: async (q) => { seen.push(q); return []; } };
    const page = await listChangedIncidents(recorder, { updatedOn: '2030-01-01 00:00:00', afterSysId: 'a'.repeat(32) }, 100);
    assert.equal(page.exhausted, true);
    assert.deepEqual(seen.map((q) => q.sysparmQuery), [
      `sys_updated_on=2030-01-01 00:00:00^sys_id>${'a'.repeat(32)}^ORDERBYsys_id`,
      'sys_updated_on>2030-01-01 00:00:00^ORDERBYsys_updated_on^ORDERBYsys_id',
    ]);
    assert.deepEqual(seen[0]?.fields, ['sys_id', 'number', 'sys_updated_on', 'sys_updated_by', 'sys_mod_count']);
  });

  it('refuses rows out of order (an instance that ignored part of the query)', async () => {
    const row = (id: string, on: string) => ({ sys_id: id.repeat(32), number: 'INC1', sys_updated_on: on, sys_updated_by: 'x', sys_mod_count: '1' });
    const unordered: IncidentLister = { listIncidents: async () => [row('b', '2030-01-01 00:00:02'), row('a', '2030-01-01 00:00:01')] };
    await assert.rejects(listChangedIncidents(unordered, { updatedOn: '2030-01-01 00:00:00' }, 10),
      (err: unknown) => err instanceof ServiceNowApiError && err.code === 'invalid_response');
    const tooEarly: IncidentLister = { listIncidents: async () => [row('a', '2029-12-31 23:59:59')] };
    await assert.rejects(listChangedIncidents(tooEarly, { updatedOn: '2030-01-01 00:00:00' }, 10), ServiceNowApiError);
  });
});
