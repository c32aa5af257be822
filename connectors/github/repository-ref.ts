/**
 * Input schemas shared by the read actions. Names are checked against GitHub's own rules so a
 * bad value fails as invalid input rather than reaching GitHub as an odd path.
 */
import { z } from 'zod';

/** A user or organization login: alphanumerics and single hyphens, at most 39 characters. */
export const ownerSchema = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/, 'not a valid GitHub owner login')
  .describe('Repository owner (user or organization login)');

/** A repository name: letters, digits, `.`, `-`, `_`, at most 100 characters, not `.` or `..`. */
export const repoNameSchema = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'not a valid GitHub repository name')
  .refine((name) => name !== '.' && name !== '..', 'not a valid GitHub repository name')
  .describe('Repository name');

/** `per_page` (GitHub caps it at 100) and `page` (1-based). */
export const pagingShape = {
  perPage: z.number().int().min(1).max(100).default(30).describe('Items per page (1-100, default 30)'),
  page: z.number().int().min(1).default(1).describe('Page number, 1-based'),
};
