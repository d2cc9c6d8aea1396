import { Prisma } from "../generated/prisma/client.ts";

/** A nullable JSON column's new value: null clears it (Prisma writes SQL NULL only for DbNull). */
export const jsonColumn = <T extends object>(value: T | null) => value ?? Prisma.DbNull;
