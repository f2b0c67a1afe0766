/** A member's invite code (邀请码), as the BFF issues it and as a shared link carries it. */
export const INVITE_CODE_PATTERN = /^[A-Z0-9]{6,12}$/;
