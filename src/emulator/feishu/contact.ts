/** The emulated directory and the contact/v3 endpoints. */
import { ERR, USER_ID_TYPES } from './codes.js';
import { ApiError, isRecord, ok, type ApiReply, type ApiRequest } from './http.js';
import type { EmulatedUser } from './types.js';

type UserIdType = 'open_id' | 'user_id' | 'union_id';

const ACTIVE_STATUS = { is_frozen: false, is_resigned: false, is_activated: true, is_exited: false, is_unjoin: false };
const BATCH_MAX = 50;

export class Directory {
  private readonly users: EmulatedUser[] = [];

  constructor(users: readonly EmulatedUser[] = []) {
    for (const u of users) this.add(u);
  }

  /** Add a user, replacing any user with the same open_id. */
  add(user: EmulatedUser): void {
    const i = this.users.findIndex((u) => u.open_id === user.open_id);
    if (i >= 0) this.users[i] = { ...user };
    else this.users.push({ ...user });
  }

  list(): ReadonlyArray<EmulatedUser> {
    return this.users;
  }

  /** Find by open_id, user_id, union_id or email (emails case-insensitively, as Feishu does). */
  find(idType: UserIdType | 'email', id: string): EmulatedUser | undefined {
    if (idType === 'email') return this.users.find((u) => u.email?.toLowerCase() === id.toLowerCase());
    return this.users.find((u) => u[idType] === id);
  }

  findByMobile(mobile: string): EmulatedUser | undefined {
    return this.users.find((u) => u.mobile === mobile);
  }

  /** GET /open-apis/contact/v3/users/:user_id?user_id_type= */
  handleGet(req: ApiRequest, userId: string): ApiReply {
    const idType = userIdType(req.query);
    const user = this.find(idType, userId);
    if (!user) throw new ApiError(ERR.noUserAuthority, `(${idType} ${userId})`);
    return ok({ user: this.present(user, idType) });
  }

  /** POST /open-apis/contact/v3/users/batch_get_id?user_id_type= */
  handleBatchGetId(req: ApiRequest): ApiReply {
    const idType = userIdType(req.query);
    const body = isRecord(req.body) ? req.body : {};
    const emails = stringList(body.emails, 'emails');
    const mobiles = stringList(body.mobiles, 'mobiles');
    if (emails.length === 0 && mobiles.length === 0) {
      throw new ApiError(ERR.fieldValidation, 'emails or mobiles is required');
    }
    // No user is resigned in the emulator, so include_resigned changes nothing.
    const found = (u: EmulatedUser | undefined) => (u ? { user_id: u[idType], status: ACTIVE_STATUS } : {});
    const user_list = [
      // An address that matches nobody comes back without user_id.
      ...emails.map((email) => ({ email, ...found(this.find('email', email)) })),
      ...mobiles.map((mobile) => ({ mobile, ...found(this.findByMobile(mobile)) })),
    ];
    return ok({ user_list });
  }

  /** The contact API's view of a user, with leader_user_id in the requested id type. */
  private present(u: EmulatedUser, idType: UserIdType): Record<string, unknown> {
    const leader = u.leader_user_id ? this.find('open_id', u.leader_user_id) : undefined;
    return {
      open_id: u.open_id,
      user_id: u.user_id,
      ...(u.union_id !== undefined && { union_id: u.union_id }),
      name: u.name,
      en_name: u.en_name ?? '',
      ...(u.email !== undefined && { email: u.email }),
      ...(u.mobile !== undefined && { mobile: u.mobile }),
      // A leader missing from the directory cannot be converted; it is then left out.
      ...(leader?.[idType] !== undefined && { leader_user_id: leader[idType] }),
      ...(u.time_zone !== undefined && { time_zone: u.time_zone }),
      status: ACTIVE_STATUS,
      department_ids: [],
    };
  }
}

function userIdType(query: URLSearchParams): UserIdType {
  const t = query.get('user_id_type') ?? 'open_id';
  if (!USER_ID_TYPES.has(t)) throw new ApiError(ERR.fieldValidation, `user_id_type ${t}`);
  return t as UserIdType;
}

function stringList(v: unknown, field: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new ApiError(ERR.fieldValidation, `${field} must be a string array`);
  }
  if (v.length > BATCH_MAX) throw new ApiError(ERR.fieldValidation, `${field} has more than ${BATCH_MAX} items`);
  return v;
}
