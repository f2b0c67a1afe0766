import Taro from '@tarojs/taro';

/**
 * The path of a group-buy's page as a member shares it: a neighbour who opens it and joins
 * Linli becomes the sharer's invitee.
 */
export function campaignSharePath(campaignId: string, inviteCode: string | undefined): string {
  const inviter = inviteCode ? `&inviter=${encodeURIComponent(inviteCode)}` : '';
  return `/subpackages/shop/campaign/index?id=${encodeURIComponent(campaignId)}${inviter}`;
}

/** 首页 as a member shares it from 邀请有礼: a neighbour who opens it and joins is their invitee. */
export function homeSharePath(inviteCode: string): string {
  return `/pages/index/index?inviter=${encodeURIComponent(inviteCode)}`;
}

/**
 * In a browser, which has no share sheet: the page's address goes on the clipboard, for a chat,
 * and `copied` tells the member what to do with it.
 */
export async function copyShareLink(path: string, copied: string): Promise<void> {
  const { origin, pathname } = window.location;
  await Taro.setClipboardData({ data: `${origin}${pathname}#${path}` });
  void Taro.showToast({ title: copied, icon: 'none' });
}
