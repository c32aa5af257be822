import { timingSafeEqual, createHash } from 'node:crypto';
import { glideDateTime } from './glide-time';
import { newSysId } from './ids';
import type { Store } from './store';
import type { Clock, Row } from './types';

/** Seed for a `sys_user` row plus the password Basic auth and the password grant check. */
export interface UserSeed {
  user_name: string;
  password: string;
  sys_id?: string;
  name?: string;
  /** Defaults to `<user_name>@example.com`. */
  email?: string;
}

/** Seed for a `sys_user_group` row. */
export interface GroupSeed {
  name: string;
  sys_id?: string;
}

/** Compares secrets without leaking their length or content through timing. */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Users and groups. Passwords are held here, never in the row, so no Table API read can
 * ever render one.
 */
export class Directory {
  private readonly passwords = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  private systemFields(sysId: string | undefined): Row {
    const now = glideDateTime(this.clock());
    return {
      sys_id: sysId ?? newSysId(),
      sys_created_on: now,
      sys_created_by: 'admin',
      sys_updated_on: now,
      sys_updated_by: 'admin',
      sys_mod_count: '0',
    };
  }

  /** Adds a user; `name` (the display value) defaults to the user_name. */
  addUser(seed: UserSeed): Row {
    if (this.findUser(seed.user_name)) throw new Error(`user ${seed.user_name} already exists`);
    const row = this.store.insert('sys_user', {
      ...this.systemFields(seed.sys_id),
      user_name: seed.user_name,
      name: seed.name ?? seed.user_name,
      email: seed.email ?? `${seed.user_name}@example.com`,
      active: 'true',
    });
    this.passwords.set(seed.user_name, seed.password);
    return row;
  }

  /** Adds an assignment group. */
  addGroup(seed: GroupSeed): Row {
    return this.store.insert('sys_user_group', {
      ...this.systemFields(seed.sys_id),
      name: seed.name,
      description: '',
      active: 'true',
    });
  }

  /** The user with this user_name, if any. */
  findUser(userName: string): Row | undefined {
    return this.store.findBy('sys_user', 'user_name', userName);
  }

  /** True when the user exists and the password matches. */
  verifyPassword(userName: string, password: string): boolean {
    const expected = this.passwords.get(userName);
    // Compare even for unknown users so timing does not reveal which user names exist.
    const ok = secretsEqual(expected ?? '\u0000no-such-user', password);
    return expected !== undefined && ok;
  }
}
